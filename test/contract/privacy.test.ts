import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createChannel,
  createUser,
  expectEnvelope,
  postMessage,
  type TestUser,
} from './client.ts';

let alice: TestUser;
let eve: TestUser;
let secretId: string;
let messageId: string;

beforeAll(async () => {
  [alice, eve] = await Promise.all([createUser('alice'), createUser('eve')]);
  secretId = (await createChannel(alice, 'secret', { isPrivate: true })).id;
  messageId = (await postMessage(alice, secretId, 'the plan')).body.id;
  await postMessage(alice, secretId, 'a reply', { threadId: messageId });
});

describe('a private channel, seen by a non-member', () => {
  const routes: Array<[string, () => string, unknown?]> = [
    ['GET', () => `/v1/channels/${secretId}`],
    ['PATCH', () => `/v1/channels/${secretId}`, { topic: 'mine now' }],
    ['POST', () => `/v1/channels/${secretId}/archive`],
    ['POST', () => `/v1/channels/${secretId}/join`],
    ['POST', () => `/v1/channels/${secretId}/leave`],
    ['GET', () => `/v1/channels/${secretId}/members`],
    ['POST', () => `/v1/channels/${secretId}/members`, { userId: 'usr_x' }],
    ['DELETE', () => `/v1/channels/${secretId}/members/usr_x`],
    ['POST', () => `/v1/channels/${secretId}/read`, { seq: 1 }],
    ['GET', () => `/v1/channels/${secretId}/messages`],
    ['POST', () => `/v1/channels/${secretId}/messages`, { text: 'let me in' }],
    ['GET', () => `/v1/channels/${secretId}/events?after=0`],
    ['GET', () => `/v1/messages/${messageId}`],
    ['PATCH', () => `/v1/messages/${messageId}`, { text: 'edited' }],
    ['DELETE', () => `/v1/messages/${messageId}`],
    ['GET', () => `/v1/messages/${messageId}/replies`],
    ['PUT', () => `/v1/messages/${messageId}/reactions/eyes`],
    ['DELETE', () => `/v1/messages/${messageId}/reactions/eyes`],
  ];

  for (const [method, path, body] of routes) {
    it(`answers 404 to ${method} ${path().replace(/ch_\w+|msg_\w+/g, ':id')}`, async () => {
      const res = await call(method, path(), { as: eve, body });
      expectEnvelope(res, 404, 'not_found');
      expect(JSON.stringify(res.body)).not.toContain('the plan');
    });
  }

  it('answers exactly as for a channel that does not exist', async () => {
    const missing = await call('GET', '/v1/channels/ch_doesnotexist', { as: eve });
    const hidden = await call('GET', `/v1/channels/${secretId}`, { as: eve });
    expect(hidden.status).toBe(missing.status);
    expect(hidden.body.error).toEqual(missing.body.error);
  });

  it('leaves it out of the channel list, but not out of a member’s', async () => {
    const res = await call('GET', '/v1/channels', { as: eve });
    expect(res.status).toBe(200);
    expect(res.body.channels.map((c: { id: string }) => c.id)).not.toContain(secretId);
    const mine = await call('GET', '/v1/channels', { as: alice });
    expect(mine.body.channels.map((c: { id: string }) => c.id)).toContain(secretId);
  });

  it('changed nothing while refusing', async () => {
    const res = await call('GET', `/v1/channels/${secretId}/messages`, { as: alice });
    expect(res.body.messages.map((m: { text: string }) => m.text)).toEqual(['the plan']);
    const ch = await call('GET', `/v1/channels/${secretId}`, { as: alice });
    expect(ch.body).toMatchObject({ topic: '', archived: false });
    const members = await call('GET', `/v1/channels/${secretId}/members`, { as: alice });
    expect(members.body.members.map((m: { id: string }) => m.id)).toEqual([alice.id]);
  });
});
