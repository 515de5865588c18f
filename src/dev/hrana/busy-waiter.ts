/**
 * Wakes statements waiting for a lock. Streams of this server call `notify()` whenever their
 * connection leaves a transaction; the timeout covers locks held by other processes.
 */
export interface BusyWaiter {
  /** Resolves on the next `notify()` or after `timeoutMs`, whichever comes first. */
  wait(timeoutMs: number): Promise<void>;
  notify(): void;
}

/** Creates the waiter shared by all connections of one server. */
export function createBusyWaiter(): BusyWaiter {
  let waiting = new Set<() => void>();

  return {
    wait: function waitForUnlock(timeoutMs) {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiting.add(done);
      });
    },
    notify: function notifyUnlocked() {
      if (waiting.size === 0) return;
      const woken = waiting;
      waiting = new Set();
      // Woken on the next turn, so the releasing stream finishes its response first.
      setImmediate(() => woken.forEach((wake) => wake()));
    },
  };
}
