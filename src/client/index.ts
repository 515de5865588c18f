// stek's typed client: REST methods for every route and live channel connections.
// Runs in browsers and on Node 20 (pass `WebSocket` from `ws` there; Node 20 has none built in).
import {
  openChannel,
  type ChannelConnection,
  type ConnectOptions,
  type WebSocketLike,
} from './channel-connection.ts';
import { createRequest } from './http.ts';
import { createRestApi, type RestApi } from './rest.ts';

export { StekApiError } from './http.ts';
export { createEventSequencer, type EventSequencer } from './event-sequencer.ts';
export type {
  ChannelConnection,
  ConnectOptions,
  ConnectionState,
  PresenceChange,
  WebSocketLike,
} from './channel-connection.ts';
export type { RestApi } from './rest.ts';
export type * from './types.ts';

export interface StekClientOptions {
  /** The API origin, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** An API token (`stek_…`). */
  token: string;
  fetch?: typeof fetch;
  /** The WebSocket constructor for live connections; the global one when absent. */
  WebSocket?: WebSocketLike;
}

export type StekClient = RestApi & {
  /** Opens a live connection to a channel: ordered, deduplicated, recovering by itself. */
  connect(channelId: string, options?: ConnectOptions): ChannelConnection;
};

/** A client for one API and token. */
export function createStekClient(options: StekClientOptions): StekClient {
  const api = createRestApi(
    createRequest({ baseUrl: options.baseUrl, token: options.token, fetch: options.fetch }),
  );
  return {
    ...api,
    connect(channelId, connectOptions) {
      return openChannel({ api, WebSocket: options.WebSocket }, channelId, connectOptions);
    },
  };
}
