import { randomBytes } from 'node:crypto';
import type { StreamContext } from './stream-requests.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

/** A stream held by the server between the requests of one client. */
export interface HranaStream extends StreamContext {
  readonly id: number;
}

/** Limits of the stream registry. */
export interface StreamRegistryOptions {
  openConnection: () => SqliteConnection;
  maxStreams: number;
  /** A stream nobody used for this long is closed and its transaction rolled back. */
  idleTimeoutMs: number;
}

/** Streams by baton. A baton is used once: each response hands out a fresh one. */
export interface StreamRegistry {
  /** Opens a stream with its own connection, or returns undefined when at the limit. */
  open(): HranaStream | undefined;
  /** Claims the stream a baton refers to; the baton stops being valid. */
  take(baton: string): HranaStream | undefined;
  /** Parks a stream after a request and returns the baton for the next one. */
  park(stream: HranaStream): string;
  close(stream: HranaStream): void;
  closeAll(): void;
  readonly size: number;
}

interface Entry {
  stream: HranaStream;
  baton: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** Creates the registry of one server. */
export function createStreamRegistry(options: StreamRegistryOptions): StreamRegistry {
  const entries = new Map<HranaStream, Entry>();
  const byBaton = new Map<string, Entry>();
  let nextId = 1;

  const close = (stream: HranaStream) => {
    const entry = entries.get(stream);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    if (entry.baton !== undefined) byBaton.delete(entry.baton);
    entries.delete(stream);
    stream.closed = true;
    stream.connection.close();
  };

  return {
    open: function openStream() {
      if (entries.size >= options.maxStreams) return undefined;
      const stream: HranaStream = {
        id: nextId++,
        connection: options.openConnection(),
        sqls: new Map(),
        closed: false,
      };
      entries.set(stream, { stream, baton: undefined, timer: undefined });
      return stream;
    },
    take: function takeStream(baton) {
      const entry = byBaton.get(baton);
      if (entry === undefined) return undefined;
      byBaton.delete(baton);
      entry.baton = undefined;
      clearTimeout(entry.timer);
      entry.timer = undefined;
      return entry.stream;
    },
    park: function parkStream(stream) {
      const entry = entries.get(stream);
      if (entry === undefined) throw new Error(`Stream ${stream.id} is not open`);
      const baton = `${stream.id}.${randomBytes(18).toString('base64url')}`;
      entry.baton = baton;
      byBaton.set(baton, entry);
      entry.timer = setTimeout(() => close(stream), options.idleTimeoutMs);
      entry.timer.unref();
      return baton;
    },
    close,
    closeAll: function closeAllStreams() {
      for (const stream of Array.from(entries.keys())) close(stream);
    },
    get size() {
      return entries.size;
    },
  };
}
