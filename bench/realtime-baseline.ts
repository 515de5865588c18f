// Starts the fan-out baseline (`realtime-baseline-server.ts`, a plain `ws` broadcast server) in
// its own Node process, for the realtime benchmarks.
import { spawn } from 'node:child_process';

/** A broadcast host under measurement: the baseline or `partykit dev`. */
export interface Target {
  name: string;
  url: string;
  stop(): Promise<void>;
}

/** Starts the baseline on a free port, accepting publishes signed with `secret`. */
export async function startBaseline(secret: string): Promise<Target> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./realtime-baseline-server.ts', import.meta.url).pathname, secret],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error('the baseline server exited')));
  });
  return {
    name: 'ws baseline',
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
