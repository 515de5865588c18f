// Hands committed events to their channels' rooms. Runtime-neutral (fetch + Web Crypto), so the
// Node API and the edge API publish the same way. A failed publish loses nothing: the events are
// in the durable log and every client reads what it missed from there.
import { roomPath, type ChannelEvent, type RoomRequest, type RoomResponse } from './protocol.ts';
import { signatureHeader, signRequestBody } from './request-signature.ts';
import { minSecretLength } from './tickets.ts';

export interface RealtimePublisherOptions {
  /** The PartyKit host, e.g. `http://127.0.0.1:1999`. */
  host: string;
  /** The secret the rooms share (`REALTIME_SECRET`). */
  secret: string;
  fetch?: typeof fetch;
  /** Per request; a room that does not answer in time counts as a failed publish. */
  timeoutMs?: number;
  /** The clock signatures are stamped with. */
  now?: () => number;
}

export interface RealtimePublisher {
  /** POSTs events to their rooms, one request per channel, in seq order. Throws if any fails. */
  publish(events: readonly ChannelEvent[]): Promise<void>;
  /** Closes a user's sockets in these channels' rooms (removal, deactivation). */
  disconnectUser(
    userId: string,
    channelIds: readonly string[],
    reason?: 'removed' | 'deactivated',
  ): Promise<void>;
}

/** Thrown when one or more rooms refused or did not answer; `cause` holds the first failure. */
export class RealtimePublishError extends Error {
  override name = 'RealtimePublishError';
  readonly failedChannels: string[];

  constructor(message: string, failedChannels: string[], cause: unknown) {
    super(message, { cause });
    this.failedChannels = failedChannels;
  }
}

/** Groups events by channel, each group sorted by seq. */
export function groupByChannel(events: readonly ChannelEvent[]): Map<string, ChannelEvent[]> {
  const groups = new Map<string, ChannelEvent[]>();
  for (const event of events) {
    const group = groups.get(event.channelId);
    if (group) group.push(event);
    else groups.set(event.channelId, [event]);
  }
  for (const group of groups.values()) group.sort((a, b) => a.seq - b.seq);
  return groups;
}

/** A publisher for one PartyKit host. Checks its options now, not at the first publish. */
export function createRealtimePublisher(options: RealtimePublisherOptions): RealtimePublisher {
  const host = options.host.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(host)) {
    throw new TypeError(`the realtime host must be an http(s) origin, got '${options.host}'`);
  }
  if (options.secret.length < minSecretLength) {
    throw new TypeError(`the realtime secret must be at least ${minSecretLength} characters`);
  }
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const now = options.now ?? Date.now;

  async function postToRoom(channelId: string, payload: RoomRequest): Promise<RoomResponse> {
    const body = JSON.stringify(payload);
    const response = await doFetch(`${host}${roomPath(channelId)}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // The answer is a few dozen bytes. Asked for gzip (fetch's default), `partykit dev`
        // compresses it and the API pays for a decompressor on every publish.
        'accept-encoding': 'identity',
        [signatureHeader]: await signRequestBody(body, options.secret, now()),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      const text = (await response.text()).slice(0, 300);
      throw new Error(`room ${channelId} answered ${response.status}: ${text}`);
    }
    return (await response.json()) as RoomResponse;
  }

  async function sendAll(requests: [string, RoomRequest][], what: string): Promise<void> {
    const results = await Promise.allSettled(
      requests.map(([channelId, payload]) => postToRoom(channelId, payload)),
    );
    const failed = requests.filter((_, i) => results[i]!.status === 'rejected').map(([id]) => id);
    if (failed.length === 0) return;
    const first = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    const reason = first.reason instanceof Error ? first.reason.message : String(first.reason);
    throw new RealtimePublishError(
      `${what} failed for ${failed.length} of ${requests.length} room(s): ${reason}`,
      failed,
      first.reason,
    );
  }

  async function publish(events: readonly ChannelEvent[]): Promise<void> {
    if (events.length === 0) return;
    const requests = [...groupByChannel(events)].map(
      ([channelId, group]): [string, RoomRequest] => [channelId, { events: group }],
    );
    await sendAll(requests, 'publishing events');
  }

  async function disconnectUser(
    userId: string,
    channelIds: readonly string[],
    reason: 'removed' | 'deactivated' = 'removed',
  ): Promise<void> {
    const at = now();
    const requests = [...new Set(channelIds)].map((channelId): [string, RoomRequest] => [
      channelId,
      { disconnect: { userIds: [userId], reason, at } },
    ]);
    await sendAll(requests, 'disconnecting a user');
  }

  return { publish, disconnectUser };
}
