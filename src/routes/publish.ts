import type { Context } from 'hono';
import type { ChannelEvent } from '../chat/events.ts';
import type { AppDeps, AppEnv } from './env.ts';

/**
 * Hands committed events downstream without making the response wait: on the edge through
 * `waitUntil`, elsewhere as a detached promise. A failure is logged and otherwise ignored, since
 * every consumer can recover what it missed from the durable event log.
 */
export function afterCommit(
  c: Context<AppEnv>,
  deps: AppDeps,
  work: ChannelEvent[] | (() => Promise<void>),
): void {
  let started: Promise<void>;
  if (typeof work === 'function') started = work();
  else if (work.length === 0 || !deps.onEvents) return;
  else started = deps.onEvents(work);
  const done = started.catch((err: unknown) => {
    deps.log?.({
      level: 'warn',
      msg: 'work after commit failed; consumers catch up from the log',
      requestId: c.get('requestId'),
      error: err instanceof Error ? err.message : String(err),
    });
  });
  let executionCtx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    executionCtx = c.executionCtx;
  } catch {
    // Node and Deno have no execution context; the detached promise is enough there.
  }
  executionCtx?.waitUntil(done);
}
