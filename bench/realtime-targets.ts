// Shared by the realtime benchmarks: the fan-out baseline (`realtime-baseline-server.ts`, a plain
// `ws` broadcast server) in its own Node process, and the clients' arrival log.
import { spawn } from 'node:child_process';
import type WebSocket from 'ws';

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

/** Records when each `event` frame reaches `ws`: the arrival times per event seq. */
export function recordEventArrivals(ws: WebSocket, arrivals: Map<number, number[]>): void {
  ws.on('message', (data) => {
    const at = performance.now();
    const message = JSON.parse(String(data)) as { type: string; event?: { seq: number } };
    if (message.type !== 'event' || !message.event) return;
    const list = arrivals.get(message.event.seq) ?? [];
    list.push(at);
    arrivals.set(message.event.seq, list);
  });
}
