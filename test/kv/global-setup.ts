import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../../src/dev/redis-server.ts';
import { startUpstashEndpoint } from '../../src/dev/upstash-endpoint/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared local Upstash endpoint in front of a real redis-server. */
    kvUrl: string;
    kvToken: string;
  }
}

/** Starts one redis-server on a free port and the REST endpoint in front of it. */
export default async function setup(project: TestProject) {
  const redis = await startRedisServer({ port: 0 });
  const token = `test-${crypto.randomUUID()}`;
  const endpoint = await startUpstashEndpoint({ redisPort: redis.port, token, port: 0 });
  project.provide('kvUrl', endpoint.url);
  project.provide('kvToken', token);

  return async function teardown() {
    await endpoint.stop();
    await redis.stop();
  };
}
