import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from '@upstash/redis';
import { describe, expect, inject, it } from 'vitest';

const url = inject('kvUrl');
const token = inject('kvToken');

function uniqueKey(name: string): string {
  return `endpoint-test:${crypto.randomUUID()}:${name}`;
}

async function postRaw(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Forwards requests to `target` and records each request path. */
async function startRecordingProxy(target: string) {
  const paths: string[] = [];
  const server = createServer(async (req, res) => {
    paths.push(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${target}${req.url}`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      ),
      body: Buffer.concat(chunks),
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const encodings = [
  { name: 'base64 responses', responseEncoding: undefined },
  { name: 'plain JSON responses', responseEncoding: false as const },
];

describe.each(encodings)('@upstash/redis against the local endpoint, $name', (encoding) => {
  const redis = new Redis({
    url,
    token,
    responseEncoding: encoding.responseEncoding,
    enableTelemetry: false,
    retry: false,
    enableAutoPipelining: false,
  });

  it('stores strings and gives numbers back as numbers', async () => {
    const s = uniqueKey('s');
    const n = uniqueKey('n');
    expect(await redis.set(s, 'hello')).toBe('OK');
    expect(await redis.get(s)).toBe('hello');
    expect(await redis.set(n, 41)).toBe('OK');
    expect(await redis.incr(n)).toBe(42);
    expect(await redis.get<number>(n)).toBe(42);
    expect(await redis.get(uniqueKey('missing'))).toBeNull();
  });

  it('round-trips JSON values through the client serializer', async () => {
    const key = uniqueKey('json');
    const value = { name: 'Zoë', tags: ['a', 'ß'], nested: { n: 1.5, ok: true, none: null } };
    await redis.set(key, value);
    expect(await redis.get(key)).toEqual(value);
  });

  it('keeps unicode and RESP framing characters intact', async () => {
    const plain = new Redis({
      url,
      token,
      responseEncoding: encoding.responseEncoding,
      automaticDeserialization: false,
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
    const key = uniqueKey('unicode');
    const value = 'héllo ✓ 😀 \u0000\u0001 tab\t crlf\r\n*2\r\n$3\r\nfoo';
    await plain.set(key, value);
    expect(await plain.get(key)).toBe(value);
    expect(await plain.strlen(key)).toBe(new TextEncoder().encode(value).length);
  });

  it('stores arbitrary bytes as redis sent them; the client reads them as UTF-8', async () => {
    const key = uniqueKey('bytes');
    await redis.eval("return redis.call('SET', KEYS[1], string.char(104, 0, 255, 105))", [key], []);
    expect(await redis.strlen(key)).toBe(4);
    const plain = new Redis({
      url,
      token,
      responseEncoding: encoding.responseEncoding,
      automaticDeserialization: false,
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
    expect(await plain.get(key)).toBe('h\u0000\ufffdi');
  });

  it('decodes nested arrays with integers, strings and nils', async () => {
    const reply = await redis.eval('return {1, "two", {3, "four", false}, "OK"}', [], []);
    expect(reply).toEqual([1, 'two', [3, 'four', null], 'OK']);
    const list = uniqueKey('list');
    await redis.rpush(list, 'a', 'b', 'c');
    expect(await redis.lrange(list, 0, -1)).toEqual(['a', 'b', 'c']);
  });

  it('rejects with the redis error message when a command fails', async () => {
    const key = uniqueKey('text');
    await redis.set(key, 'not a number');
    await expect(redis.incr(key)).rejects.toThrow(/ERR value is not an integer or out of range/);
  });

  it('runs a pipeline in order and reports a failing command', async () => {
    const key = uniqueKey('p');
    const results = await redis.pipeline().set(key, 1).incr(key).get(key).exec();
    expect(results).toEqual(['OK', 2, 2]);

    const text = uniqueKey('t');
    const failing = redis.pipeline().set(text, 'x').incr(text).get(text);
    await expect(failing.exec()).rejects.toThrow(/Command 2 \[ incr \] failed: ERR value is not/);
    const kept = await redis.pipeline().set(text, 'x').incr(text).exec({ keepErrors: true });
    expect(kept[0]).toEqual({ result: 'OK', error: undefined });
    expect(kept[1]?.error).toMatch(/ERR value is not an integer/);
  });

  it('runs multi() as one transaction', async () => {
    const key = uniqueKey('m');
    const results = await redis.multi().set(key, 10).incrby(key, 5).get(key).exec();
    expect(results).toEqual(['OK', 15, 15]);
  });

  it('aborts a transaction with a command redis refuses while queueing', async () => {
    const key = uniqueKey('abort');
    // An unknown command is refused at queue time, so nothing in the transaction runs.
    const raw = await postRaw('/multi-exec', [['SET', key, 'v'], ['NOSUCHCOMMAND']]);
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ error: expect.stringMatching(/^EXECABORT/) });
    expect(await redis.get(key)).toBeNull();
  });

  it('batches concurrent commands into one request with auto-pipelining', async () => {
    const proxy = await startRecordingProxy(url);
    try {
      const auto = new Redis({
        url: proxy.url,
        token,
        responseEncoding: encoding.responseEncoding,
        enableTelemetry: false,
        enableAutoPipelining: true,
      });
      const key = uniqueKey('auto');
      await auto.set(key, 7);
      proxy.paths.length = 0;
      const [a, b, c] = await Promise.all([
        auto.incr(key),
        auto.incr(key),
        auto.set(uniqueKey('y'), 'v'),
      ]);
      expect([a, b, c]).toEqual([8, 9, 'OK']);
      expect(proxy.paths).toEqual(['/pipeline']);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses a wrong token', async () => {
    const wrong = new Redis({
      url,
      token: 'wrong-token',
      responseEncoding: encoding.responseEncoding,
      enableTelemetry: false,
      retry: false,
      enableAutoPipelining: false,
    });
    await expect(wrong.get('anything')).rejects.toThrow(/Unauthorized/);
  });
});

describe('the endpoint wire format', () => {
  it('answers 401 with an error body without a valid bearer token', async () => {
    const missing = await fetch(`${url}/`, { method: 'POST', body: '["PING"]' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'Unauthorized' });
    const wrong = await fetch(`${url}/`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
      body: '["PING"]',
    });
    expect(wrong.status).toBe(401);
  });

  it('sends strings as base64 and integers as numbers when asked for base64', async () => {
    const key = uniqueKey('wire');
    await postRaw('/', ['SET', key, 'héllo']);
    const got = await postRaw('/', ['GET', key], { 'upstash-encoding': 'base64' });
    expect(got).toEqual({
      status: 200,
      body: { result: Buffer.from('héllo').toString('base64') },
    });
    const plain = await postRaw('/', ['GET', key]);
    expect(plain.body).toEqual({ result: 'héllo' });
    const count = await postRaw('/', ['STRLEN', key], { 'upstash-encoding': 'base64' });
    expect(count.body).toEqual({ result: 6 });
  });

  it('answers a failing command with 400 and the redis message', async () => {
    const key = uniqueKey('err');
    await postRaw('/', ['SET', key, 'x']);
    const failed = await postRaw('/', ['INCR', key]);
    expect(failed.status).toBe(400);
    expect(failed.body).toEqual({ error: 'ERR value is not an integer or out of range' });
  });

  it('returns one entry per pipeline command, errors included, with status 200', async () => {
    const key = uniqueKey('pipe');
    const result = await postRaw('/pipeline', [
      ['SET', key, 'x'],
      ['INCR', key],
      ['GET', key],
    ]);
    expect(result).toEqual({
      status: 200,
      body: [
        { result: 'OK' },
        { error: 'ERR value is not an integer or out of range' },
        { result: 'x' },
      ],
    });
  });

  it('refuses commands that would hold or change the shared connection', async () => {
    for (const command of [['MULTI'], ['SELECT', '1'], ['BLPOP', 'k', '0'], ['SUBSCRIBE', 'c']]) {
      const result = await postRaw('/', command);
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ error: expect.stringMatching(/not supported/) });
    }
  });

  it('rejects bodies that are not a command array', async () => {
    expect((await postRaw('/', { cmd: 'PING' })).status).toBe(400);
    expect((await postRaw('/', [])).status).toBe(400);
    expect((await postRaw('/pipeline', [['PING'], 'PING'])).status).toBe(400);
  });

  it('moves a 1 MiB value intact', async () => {
    const key = uniqueKey('big');
    const value = 'x'.repeat(512 * 1024) + 'ü'.repeat(256 * 1024);
    await postRaw('/', ['SET', key, value]);
    const got = await postRaw('/', ['GET', key], { 'upstash-encoding': 'base64' });
    const result = (got.body as { result: string }).result;
    expect(Buffer.from(result, 'base64').toString('utf8')).toBe(value);
  });
});
