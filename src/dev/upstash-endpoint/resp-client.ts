// A small RESP2 client on node:net instead of an npm redis client: the endpoint must forward
// replies as redis sent them (bulk vs. simple strings, error replies nested inside EXEC results,
// raw bytes for base64), and the popular clients reshape or decode replies before we see them.
import { createConnection, type Socket } from 'node:net';

import { createRespDecoder, encodeCommand, type RespValue } from './resp-parser.ts';

/** The connection to redis-server failed or closed before a reply arrived. */
export class RespConnectionError extends Error {
  override name = 'RespConnectionError';
}

/** Options for {@link createRespClient}. */
export interface RespClientOptions {
  host?: string;
  port: number;
  /** Give up connecting after this long. */
  connectTimeoutMs?: number;
}

/** A pipelining connection to one redis-server, reconnecting lazily after a failure. */
export interface RespClient {
  /** Sends one command; error replies resolve as `RespError` values. */
  send(args: readonly (string | Buffer)[]): Promise<RespValue>;
  /** Writes all commands in one write, so nothing from other callers lands between them. */
  sendAll(commands: readonly (readonly (string | Buffer)[])[]): Promise<RespValue[]>;
  close(): Promise<void>;
}

type Waiter = { resolve: (value: RespValue) => void; reject: (error: Error) => void };

/** Creates a client; nothing connects until the first command. */
export function createRespClient(options: RespClientOptions): RespClient {
  const host = options.host ?? '127.0.0.1';
  const connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
  let socket: Socket | null = null;
  let ready: Promise<Socket> | null = null;
  let waiters: Waiter[] = [];
  let closed = false;

  function failAll(error: Error): void {
    const failed = waiters;
    waiters = [];
    for (const waiter of failed) waiter.reject(error);
  }

  function connect(): Promise<Socket> {
    if (ready) return ready;
    ready = new Promise<Socket>((resolve, reject) => {
      const decode = createRespDecoder();
      const conn = createConnection({ host, port: options.port });
      conn.setNoDelay(true);
      const timer = setTimeout(() => {
        conn.destroy(new RespConnectionError(`connect to ${host}:${options.port} timed out`));
      }, connectTimeoutMs);

      conn.once('connect', () => {
        clearTimeout(timer);
        socket = conn;
        resolve(conn);
      });
      conn.on('data', (chunk: Buffer) => {
        let replies: RespValue[];
        try {
          replies = decode(chunk);
        } catch (error) {
          conn.destroy(error as Error);
          return;
        }
        for (const reply of replies) waiters.shift()?.resolve(reply);
      });
      conn.on('error', (error) => {
        clearTimeout(timer);
        reject(new RespConnectionError(`redis ${host}:${options.port}: ${error.message}`));
      });
      conn.once('close', () => {
        clearTimeout(timer);
        socket = null;
        ready = null;
        failAll(new RespConnectionError(`redis ${host}:${options.port}: connection closed`));
      });
    });
    // A failed attempt must not stick: the next command tries again.
    ready.catch(() => {
      ready = null;
    });
    return ready;
  }

  async function sendAll(
    commands: readonly (readonly (string | Buffer)[])[],
  ): Promise<RespValue[]> {
    if (closed) throw new RespConnectionError('client is closed');
    const conn = await connect();
    const replies = commands.map(
      () => new Promise<RespValue>((resolve, reject) => waiters.push({ resolve, reject })),
    );
    conn.write(Buffer.concat(commands.map((args) => encodeCommand(args))));
    return Promise.all(replies);
  }

  return {
    async send(args) {
      const [reply] = await sendAll([args]);
      return reply as RespValue;
    },
    sendAll,
    async close() {
      closed = true;
      const conn = socket;
      if (!conn) return;
      await new Promise<void>((resolve) => {
        conn.once('close', () => resolve());
        conn.end();
        conn.destroySoon();
      });
    },
  };
}
