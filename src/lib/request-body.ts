// Runtime-neutral handling of request bodies the API answers without reading.

// Refused bodies are read to the end (up to this much) before the 413 goes out. A server that
// answers before the body is in drops or resets the connection: workerd does, and so does Node,
// where the client then sees EPIPE instead of the 413; a proxy reusing the connection fails the
// next request on it.
const discardLimitBytes = 8 * 1024 * 1024;

async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, seen = 0): Promise<void> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > discardLimitBytes) return void (await reader.cancel());
    }
  } catch {
    // The client went away mid-body: there is nothing left to keep open.
  }
}

/** Whether a request can carry a body at all: fetch gives GET and HEAD none. */
export function mayHaveBody(request: Request): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD';
}

/** A request body an entry has already read in full: its bytes and their UTF-8 text. */
export interface ReadBody {
  bytes: Uint8Array;
  text: string;
}

const readBodyKey = Symbol('stek.readBody');

/**
 * Marks `request` as one whose body the entry has read already (and checked against the body
 * limit), so the app takes the body from here instead of the request's stream.
 */
export function attachReadBody(request: Request, bytes: Uint8Array): Request {
  // Decoding as fetch's `text()` does: UTF-8, a leading byte-order mark dropped.
  const body: ReadBody = { bytes, text: new TextDecoder().decode(bytes) };
  return Object.assign(request, { [readBodyKey]: body });
}

/** The body an entry attached with `attachReadBody`, if any. */
export function readBodyOf(request: Request): ReadBody | undefined {
  return (request as Request & { [readBodyKey]?: ReadBody })[readBodyKey];
}

/**
 * A body without a declared length (chunked) is read here up to one byte past the limit, so an
 * oversized one can be drained before the app refuses it; the app gets the bytes read so far
 * and applies its own limit to them as usual.
 */
export async function bufferUnsizedBody(request: Request, limit: number): Promise<Request> {
  // Headers first: on Node, touching `body` builds a full Request with a web stream.
  if (!mayHaveBody(request) || request.headers.has('content-length') || !request.body)
    return request;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await discard(reader, size);
      break;
    }
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new Request(request, { body });
}

/**
 * Runs `handle` on the request with an unsized body read in first, and reads whatever of the
 * body it left unread (a 413, a 415, a refusal before parsing) before answering, so the client
 * always gets the answer and the connection stays usable.
 */
export async function fetchDrainingRefusedBodies(
  handle: (request: Request) => Response | Promise<Response>,
  request: Request,
  limit: number,
): Promise<Response> {
  if (readBodyOf(request)) return handle(request);
  const sized = await bufferUnsizedBody(request, limit);
  const response = await handle(sized);
  if (mayHaveBody(sized) && sized.body && !sized.bodyUsed) {
    await discard(sized.body.getReader());
  }
  return response;
}
