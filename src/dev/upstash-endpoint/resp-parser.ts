/**
 * RESP2 encoding and incremental decoding, kept free of sockets so it can be tested on bytes.
 *
 * Replies are represented as: simple strings → `string`, bulk strings → `Buffer` (binary-safe),
 * integers → `number`, nil bulk/array → `null`, arrays → `RespValue[]`, error replies →
 * `RespError` values (not thrown: inside EXEC or a pipeline an error is one result among many).
 */

/** An error reply from redis-server, such as `ERR value is not an integer or out of range`. */
export class RespError {
  constructor(readonly message: string) {}
}

/** One decoded RESP2 reply. */
export type RespValue = string | Buffer | number | null | RespError | RespValue[];

const CRLF = Buffer.from('\r\n');

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** Thrown when redis-server sends bytes that are not RESP2; the connection cannot recover. */
export class RespProtocolError extends Error {
  override name = 'RespProtocolError';
}

type Parsed = { value: RespValue; end: number };

/** Bytes still missing before a parse can succeed; a hint to skip hopeless attempts. */
type Incomplete = { needed: number };

function findLineEnd(buf: Buffer, start: number): number {
  const at = buf.indexOf(CRLF, start);
  return at;
}

function parseValue(buf: Buffer, start: number): Parsed | Incomplete {
  if (start >= buf.length) return { needed: start + 1 };
  const lineEnd = findLineEnd(buf, start + 1);
  if (lineEnd === -1) return { needed: buf.length + 1 };
  const type = buf[start];
  const line = buf.toString('utf8', start + 1, lineEnd);
  const afterLine = lineEnd + 2;

  switch (type) {
    case 0x2b: // '+'
      return { value: line, end: afterLine };
    case 0x2d: // '-'
      return { value: new RespError(line), end: afterLine };
    case 0x3a: // ':'
      return { value: Number(line), end: afterLine };
    case 0x24: {
      // '$'
      const length = Number(line);
      if (length === -1) return { value: null, end: afterLine };
      if (!Number.isInteger(length) || length < 0) {
        throw new RespProtocolError(`bad bulk length ${line}`);
      }
      const end = afterLine + length + 2;
      if (buf.length < end) return { needed: end };
      return { value: buf.subarray(afterLine, afterLine + length), end };
    }
    case 0x2a: {
      // '*'
      const count = Number(line);
      if (count === -1) return { value: null, end: afterLine };
      if (!Number.isInteger(count) || count < 0) {
        throw new RespProtocolError(`bad array length ${line}`);
      }
      const items: RespValue[] = [];
      let offset = afterLine;
      for (let i = 0; i < count; i += 1) {
        const item = parseValue(buf, offset);
        if (!('value' in item)) return item;
        items.push(item.value);
        offset = item.end;
      }
      return { value: items, end: offset };
    }
    default:
      throw new RespProtocolError(`unexpected type byte 0x${(type ?? 0).toString(16)}`);
  }
}

/**
 * Creates a decoder that takes socket chunks and hands back every complete reply so far.
 * Bulk values are copied out so later chunks can reuse nothing by accident.
 */
export function createRespDecoder(): (chunk: Buffer) => RespValue[] {
  let pending: Buffer = Buffer.alloc(0);
  let needed = 0;

  return function decodeChunk(chunk: Buffer): RespValue[] {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const replies: RespValue[] = [];
    if (pending.length < needed) return replies;

    let offset = 0;
    for (;;) {
      const result = parseValue(pending, offset);
      if (!('value' in result)) {
        needed = result.needed - offset;
        break;
      }
      replies.push(copyBuffers(result.value));
      offset = result.end;
      needed = 0;
    }
    pending = offset === 0 ? pending : Buffer.from(pending.subarray(offset));
    return replies;
  };
}

function copyBuffers(value: RespValue): RespValue {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(copyBuffers);
  return value;
}
