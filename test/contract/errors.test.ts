import { beforeAll, describe, expect, it } from 'vitest';
import {
  baseUrl,
  call,
  createChannel,
  createUser,
  expectEnvelope,
  type TestUser,
} from './client.ts';

let alice: TestUser;

beforeAll(async () => {
  alice = await createUser('alice');
});

describe('the error envelope', () => {
  it('gives 400 naming the field for a schema failure', async () => {
    const res = await call('POST', '/v1/channels', { as: alice, body: { name: 42 } });
    expectEnvelope(res, 400, 'invalid_request');
    expect(res.body.error.details.issues[0].field).toBe('name');
    expect(res.body.error.message).toContain('name');
  });

  it('gives 400 naming a query parameter that fails its schema', async () => {
    const ch = await createChannel(alice, 'query');
    const res = await call('GET', `/v1/channels/${ch.id}/messages?before=abc`, { as: alice });
    expectEnvelope(res, 400, 'invalid_request');
    expect(res.body.error.details.issues[0].field).toBe('before');
  });

  it('gives 400 invalid_json for a malformed body', async () => {
    const res = await call('POST', '/v1/channels', { as: alice, body: '{"name": ' });
    expectEnvelope(res, 400, 'invalid_json');
  });

  it('gives 401 without a token, with a wrong one and with a malformed header', async () => {
    expectEnvelope(await call('GET', '/v1/channels'), 401, 'unauthorized');
    expectEnvelope(
      await call('GET', '/v1/channels', { as: { token: 'stek_nope' } }),
      401,
      'unauthorized',
    );
    const basic = await call('GET', '/v1/me', { headers: { authorization: 'Basic YTpi' } });
    expectEnvelope(basic, 401, 'unauthorized');
  });

  it('gives 403 forbidden for an admin-only route', async () => {
    const res = await call('POST', '/v1/users', { as: alice, body: { name: 'nobody' } });
    expectEnvelope(res, 403, 'forbidden');
  });

  it('gives 404 for a channel that does not exist', async () => {
    expectEnvelope(await call('GET', '/v1/channels/ch_missing', { as: alice }), 404, 'not_found');
  });

  it('gives 409 for a conflicting name', async () => {
    const ch = await createChannel(alice, 'taken');
    const res = await call('POST', '/v1/channels', { as: alice, body: { name: ch.name } });
    expectEnvelope(res, 409, 'name_taken');
  });

  // The server answers before reading the rest of an oversized body and then drops the
  // connection, so these requests ask not to have their socket reused for the next test.
  it('gives 413 for a body over 256 KiB', async () => {
    const res = await call('POST', '/v1/channels', {
      as: alice,
      body: { name: 'big', topic: 'x'.repeat(300 * 1024) },
      headers: { connection: 'close' },
    });
    expectEnvelope(res, 413, 'payload_too_large');
  });

  it('gives 413 for a streamed body over 256 KiB that declares no length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${baseUrl}/v1/channels`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.token}`,
        'content-type': 'application/json',
        connection: 'close',
      },
      body,
      duplex: 'half',
    } as RequestInit);
    const parsed = (await res.json()) as { error: { code: string } };
    expect(res.status).toBe(413);
    expect(parsed.error.code).toBe('payload_too_large');
  });

  it('gives 415 for a body that is not JSON', async () => {
    const res = await call('POST', '/v1/channels', {
      as: alice,
      body: 'name=general',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectEnvelope(res, 415, 'unsupported_media_type');
  });

  it('gives 422 seq_out_of_range for a read marker past the head', async () => {
    const ch = await createChannel(alice, 'head');
    const res = await call('POST', `/v1/channels/${ch.id}/read`, { as: alice, body: { seq: 2 } });
    expectEnvelope(res, 422, 'seq_out_of_range');
    const ok = await call('POST', `/v1/channels/${ch.id}/read`, { as: alice, body: { seq: 1 } });
    expect(ok.body).toEqual({ lastReadSeq: 1 });
  });
});
