import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/entry/node.ts';

afterEach(() => vi.restoreAllMocks());

function capture(mode: 'json' | 'pretty' | 'silent') {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const log = createLogger(mode);
  log?.({
    level: 'info',
    msg: 'request',
    method: 'GET',
    path: '/v1/me',
    status: 200,
    ms: 1.5,
    requestId: 'req_1',
  });
  return { log, lines };
}

describe('the request log', () => {
  it('writes one JSON object per line by default', () => {
    const { lines } = capture('json');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'request', path: '/v1/me', status: 200 });
  });

  it('writes a short line for people with STEK_LOG=pretty', () => {
    const { lines } = capture('pretty');
    expect(lines[0]).toMatch(/info request GET \/v1\/me 200 1\.5ms req_1\n$/);
  });

  it('writes nothing when silent', () => {
    const { log, lines } = capture('silent');
    expect(log).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
