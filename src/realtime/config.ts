// Reads the API side's realtime settings from an environment record the entry passes in. The
// room reads its own two vars (REALTIME_SECRET, REALTIME_BUFFER_SIZE) from its env in server.ts.
import { z } from 'zod';
import type { RealtimeOptions } from '../routes/realtime.ts';
import { createRealtimePublisher, type RealtimePublisher } from './publisher.ts';
import { minSecretLength } from './tickets.ts';

const origin = z
  .string()
  .regex(/^https?:\/\/[^/?#]+\/?$/, 'must be an http(s) origin such as http://127.0.0.1:1999');

const RealtimeEnv = z.object({
  REALTIME_HOST: origin.optional(),
  REALTIME_PUBLIC_HOST: origin.optional(),
  REALTIME_SECRET: z.string().min(minSecretLength).optional(),
  REALTIME_TICKET_TTL_MS: z.coerce.number().int().min(5_000).max(3_600_000).optional(),
  REALTIME_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).optional(),
});

/** What the API needs for live channels: route options and a publisher for `onEvents`. */
export interface RealtimeConfig {
  options: RealtimeOptions;
  publishTimeoutMs: number;
}

/**
 * `null` when `REALTIME_HOST` is unset (realtime off: tickets answer 503). Throws a TypeError
 * naming every bad variable, so a misconfiguration stops the start-up rather than a request.
 */
export function readRealtimeConfig(env: Record<string, string | undefined>): RealtimeConfig | null {
  const parsed = RealtimeEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new TypeError(`invalid realtime configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (!e.REALTIME_HOST) return null;
  if (!e.REALTIME_SECRET) {
    throw new TypeError(
      'invalid realtime configuration:\n  REALTIME_SECRET: required with REALTIME_HOST',
    );
  }
  return {
    options: {
      host: e.REALTIME_HOST.replace(/\/$/, ''),
      publicHost: e.REALTIME_PUBLIC_HOST?.replace(/\/$/, ''),
      secret: e.REALTIME_SECRET,
      ticketTtlMs: e.REALTIME_TICKET_TTL_MS,
    },
    publishTimeoutMs: e.REALTIME_PUBLISH_TIMEOUT_MS ?? 2_000,
  };
}

/** The publisher for a configuration, for `AppDeps.onEvents`. */
export function createPublisherFromConfig(
  config: RealtimeConfig,
  fetchImpl?: typeof fetch,
): RealtimePublisher {
  return createRealtimePublisher({
    host: config.options.host,
    secret: config.options.secret,
    timeoutMs: config.publishTimeoutMs,
    fetch: fetchImpl,
  });
}
