import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerd, type WorkerdServer } from '../../src/dev/workerd.ts';

let worker: WorkerdServer;

beforeAll(async () => {
  // A second worker whose only database binding is not an HTTP URL.
  worker = await startWorkerd({ vars: { LIBSQL_URL: 'file:stek.db' } });
});
afterAll(() => worker?.stop());

describe('the worker with bad bindings', () => {
  it('answers every route 500 misconfigured, naming the variable', async () => {
    for (const path of ['/health', '/v1/me']) {
      const res = await fetch(`${worker.url}${path}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        error: {
          code: 'misconfigured',
          message: 'the worker is misconfigured',
          details: ['LIBSQL_URL must be an http(s):// or libsql:// URL'],
        },
      });
    }
  });
});
