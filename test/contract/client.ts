// A small HTTP client for the contract suite: everything goes through fetch to the base URL the
// runtime's global setup provides, so the same files test Node, workerd and Deno.
import { expect, inject } from 'vitest';
import './context.ts';

export const baseUrl = inject('baseUrl');

export interface TestUser {
  id: string;
  name: string;
  token: string;
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export interface CallOptions {
  as?: { token: string };
  /** JSON-encoded unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

const admin = { token: inject('adminToken') };

/** Sends one request and returns its status, headers and parsed JSON body (or raw text). */
export async function call(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${options.as.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the test sees the raw text.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A name no other test (or earlier run against the same database) has used. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Creates a user through the admin API and returns them with a working token. */
export async function createUser(
  prefix: string,
  options: { admin?: boolean } = {},
): Promise<TestUser> {
  const name = uniqueName(prefix);
  const res = await call('POST', '/v1/users', {
    as: admin,
    body: { name, isAdmin: options.admin ?? false },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.user.id, name, token: res.body.token.token };
}

/** Creates a channel (name made unique) and returns its view. */
export async function createChannel(
  as: TestUser,
  prefix: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; name: string; headSeq: number }> {
  const res = await call('POST', '/v1/channels', {
    as,
    body: { name: uniqueName(prefix), ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Posts a message to a channel. */
export function postMessage(
  as: TestUser,
  channelId: string,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<Reply> {
  return call('POST', `/v1/channels/${channelId}/messages`, { as, body: { text, ...extra } });
}

/** Asserts stek's error envelope with `code`, and that the request id header matches. */
export function expectEnvelope(res: Reply, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(Object.keys(res.body).sort()).toEqual(['error', 'requestId']);
  expect(res.body.requestId).toMatch(/^req_/);
  expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.[jt]s:\d+/);
}
