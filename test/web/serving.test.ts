import { describe, expect, it } from 'vitest';
import { appUrl } from './helpers.ts';

const get = (path: string, accept = '*/*') => fetch(`${appUrl()}${path}`, { headers: { accept } });

describe('serving the web app from the Node entry', () => {
  it('serves the app at / with a content security policy', async () => {
    const res = await get('/', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="app"></div>');
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const html = await (await get('/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const res = await get(script!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('answers a browser opening any other page with index.html', async () => {
    const res = await get('/channels/general', 'text/html,application/xhtml+xml');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app"></div>');
  });

  it('keeps the JSON 404 for an API client asking for a path that is not there', async () => {
    const res = await get('/nowhere');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('keeps API 404s as JSON envelopes', async () => {
    const res = await get('/v1/no-such-route', 'text/html');
    expect(res.status).toBe(401);
    const unauthenticated = (await res.json()) as { error: { code: string } };
    expect(unauthenticated.error.code).toBe('unauthorized');

    const missing = await fetch(`${appUrl()}/v1/no-such-route`, {
      headers: { authorization: 'Bearer nope', accept: 'text/html' },
    });
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  it('leaves /health to the API', async () => {
    const res = await get('/health', 'text/html');
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as { status: string }).status).toMatch(/ok|degraded/);
  });

  it('gives a JSON 404 for a missing asset file, not the page', async () => {
    const res = await get('/assets/missing-0000.js');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('never serves files outside the build directory', async () => {
    for (const path of [
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%5cpackage.json',
    ]) {
      const res = await get(path);
      const body = await res.text();
      expect(body).not.toContain('"devDependencies"');
    }
  });

  it('does not serve the Workers header config as a file', async () => {
    const res = await get('/_headers');
    expect(res.status).toBe(404);
  });

  it('does not answer writes with the page', async () => {
    const res = await fetch(`${appUrl()}/`, { method: 'POST', headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});
