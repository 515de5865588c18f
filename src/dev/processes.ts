// What the local launchers share for the processes they start: waiting, stopping whole process
// groups, reading coloured CLI output, and picking a free port. Node-only.
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** The colour and cursor sequences CLIs print around their output. */
// eslint-disable-next-line no-control-regex
export const ansiPattern = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Resolves once `child` has exited (at once if it has already). */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/** Signals the process group `child` leads (it must be spawned `detached`): the CLI and all it started. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Stops the group `child` leads: SIGTERM, SIGKILL after `graceMs`, and once the leader has exited
 * a last SIGKILL for whatever it left (workerd may outlive its node parent by a moment).
 */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const exited = waitForExit(child);
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(child, 'SIGKILL');
}

/** A port free on 127.0.0.1 just now (bound and released). */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
