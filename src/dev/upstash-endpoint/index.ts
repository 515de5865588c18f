export {
  startUpstashEndpoint,
  type UpstashEndpoint,
  type UpstashEndpointOptions,
} from './start-upstash-endpoint.ts';
