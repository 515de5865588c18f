import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StekApiError } from '../../src/client/index.ts';
import { createRealtimePublisher } from '../../src/realtime/publisher.ts';
import { signTicket } from '../../src/realtime/tickets.ts';
import {
  logSeqs,
  range,
  openRaw,
  rawConnect,
  record,
  roomHasSeq,
  sleep,
  startTestApi,
  waitUntil,
  type TestApi,
} from './helpers.ts';

const realtimeUrl = inject('realtimeUrl');
const secret = inject('realtimeSecret');
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ realtimeUrl, secret });
});

afterAll(async () => {
  await api?.close();
});

describe('live channel delivery', () => {
  it('gives several clients in one room every event, once each, in seq order', async () => {
    const channel = await api.admin.createChannel({ name: 'fanout' });
    const people = await Promise.all(['ann', 'bob', 'cy'].map((n) => api.addUser(n)));
    for (const p of people) await p.client.joinChannel(channel.id);
    const recorders = people.map((p) => record(p.client, channel.id));
    await Promise.all(recorders.map((r) => r.connection.waitFor(4)));

    // Concurrent posts from everyone: the room may see publishes out of order.
    await Promise.all(
      people.flatMap((p, i) =>
        range(1, 10).map((n) => p.client.postMessage(channel.id, { text: `${i}-${n}` })),
      ),
    );
    const head = (await api.admin.getChannel(channel.id)).headSeq;
    expect(head).toBe(34);
    await Promise.all(recorders.map((r) => r.connection.waitFor(head)));

    const expected = await logSeqs(api.admin, channel.id);
    expect(expected).toEqual(range(1, head));
    for (const r of recorders) {
      expect(r.seqs()).toEqual(expected);
      expect(r.events.filter((e) => e.type === 'message.created')).toHaveLength(30);
      r.connection.close();
    }
  });

  it('starts a new connection after the seq it is given and delivers only what came later', async () => {
    const channel = await api.admin.createChannel({ name: 'resume-from' });
    for (const n of range(1, 5)) await api.admin.postMessage(channel.id, { text: `m${n}` });
    const r = record(api.admin, channel.id, { after: 3 });
    await r.connection.waitFor(6);
    expect(r.seqs()).toEqual([4, 5, 6]);
    r.connection.close();
    expect(r.connection.state).toBe('closed');
  });

  it('relays typing to others only, throttled, and never stores it in the log', async () => {
    const channel = await api.admin.createChannel({ name: 'typing' });
    const dee = await api.addUser('dee');
    await dee.client.joinChannel(channel.id);
    const watcher = record(api.admin, channel.id);
    const typist = record(dee.client, channel.id);
    await Promise.all([watcher.connection.waitFor(2), typist.connection.waitFor(2)]);

    expect(typist.connection.sendTyping()).toBe(true);
    expect(typist.connection.sendTyping()).toBe(false);
    await waitUntil(() => watcher.typing.length > 0, 'typing to arrive');
    await sleep(200);
    expect(watcher.typing).toEqual([dee.id]);
    expect(typist.typing).toEqual([]);

    const log = await api.admin.listEvents(channel.id);
    expect(log.events.map((e) => e.type)).toEqual(['member.joined', 'member.joined']);
    expect(log.headSeq).toBe(2);
    watcher.connection.close();
    typist.connection.close();
  });

  it('shows others who joined and who left the room', async () => {
    const channel = await api.admin.createChannel({ name: 'presence' });
    const eve = await api.addUser('eve');
    await eve.client.joinChannel(channel.id);
    const watcher = record(api.admin, channel.id);
    await watcher.connection.waitFor(2);
    const me = (await api.admin.me()).id;
    expect(watcher.connection.present).toEqual([me]);

    const visitor = record(eve.client, channel.id);
    await visitor.connection.waitFor(2);
    await waitUntil(() => watcher.connection.present.includes(eve.id), 'the join');
    expect([...visitor.connection.present].sort()).toEqual([eve.id, me].sort());

    visitor.connection.close();
    await waitUntil(() => !watcher.connection.present.includes(eve.id), 'the leave');
    expect(watcher.presence.map((p) => [p.action, p.userId])).toEqual([
      ['sync', undefined],
      ['join', eve.id],
      ['leave', eve.id],
    ]);
    watcher.connection.close();
  });

  it('closes a removed member’s socket and does not let them back into a private channel', async () => {
    const channel = await api.admin.createChannel({ name: 'secret-room', isPrivate: true });
    const fay = await api.addUser('fay');
    await api.admin.addMember(channel.id, fay.id);
    const r = record(fay.client, channel.id);
    await r.connection.waitFor(2);

    await api.admin.removeMember(channel.id, fay.id);
    await waitUntil(() => r.connection.state === 'closed', 'the socket to close');
    expect(r.seqs()).toEqual([1, 2, 3]);
    expect(r.events.at(-1)).toMatchObject({ type: 'member.left', data: { userId: fay.id } });
    expect(r.errors.map((e) => e.message)).toContain(
      'room: removed: you are no longer in this channel',
    );

    // A fresh attempt asks the API for a ticket, which a non-member of a private channel is refused.
    r.connection.reconnect();
    await waitUntil(() => r.connection.state === 'closed', 'the reconnect to be refused');
    const refusal = r.errors.find((e) => e instanceof StekApiError) as StekApiError;
    expect(refusal.status).toBe(404);
  });
});

describe('the room protocol', () => {
  it('answers frames it cannot read with an error and keeps the socket open', async () => {
    const channel = await api.admin.createChannel({ name: 'protocol-errors' });
    const { ticket } = await api.admin.issueRealtimeTicket(channel.id);
    const { ws, messages } = await openRaw(realtimeUrl, channel.id, ticket);
    await waitUntil(() => roomHasSeq(messages, 1), 'the room to have the channel’s first event');
    const before = messages.length;
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'shout' }));
    ws.send(JSON.stringify({ type: 'resume', after: -1 }));
    ws.send(JSON.stringify({ type: 'resume', after: 1 }));
    await waitUntil(() => messages.some((m) => m.type === 'resumed'), 'the resume answer');
    expect(messages.slice(before).map((m) => [m.type, m.code ?? m.replayed])).toEqual([
      ['error', 'bad_message'],
      ['error', 'unknown_type'],
      ['error', 'bad_message'],
      ['resumed', 0],
    ]);
    expect(ws.readyState).toBe(ws.OPEN);
    ws.close();
  });

  it('delivers one publish that spans two channels to each channel’s room', async () => {
    const [a, b] = await Promise.all([
      api.admin.createChannel({ name: 'span-a' }),
      api.admin.createChannel({ name: 'span-b' }),
    ]);
    const ra = record(api.admin, a.id);
    const rb = record(api.admin, b.id);
    await Promise.all([ra.connection.waitFor(1), rb.connection.waitFor(1)]);
    const publisher = createRealtimePublisher({ host: realtimeUrl, secret, timeoutMs: 2_000 });
    const at = new Date().toISOString();
    const joined = (channelId: string, seq: number) => ({
      type: 'member.joined' as const,
      data: { userId: `usr_${seq}` },
      channelId,
      seq,
      actorId: null,
      createdAt: at,
    });
    // Seq 2 in each room, as if committed: rooms take what the API signs.
    await publisher.publish([joined(b.id, 2), joined(a.id, 2)]);
    await Promise.all([ra.connection.waitFor(2), rb.connection.waitFor(2)]);
    expect(ra.events.map((e) => [e.channelId, e.seq])).toEqual([
      [a.id, 1],
      [a.id, 2],
    ]);
    expect(rb.events.map((e) => [e.channelId, e.seq])).toEqual([
      [b.id, 1],
      [b.id, 2],
    ]);
    ra.connection.close();
    rb.connection.close();
  });
});

describe('disconnect requests from the API', () => {
  it('closes a user’s sockets when an admin deactivates them through the API', async () => {
    const room = await api.admin.createChannel({ name: 'deact-api' });
    const kim = await api.addUser('kim');
    await kim.client.joinChannel(room.id);
    const socket = record(kim.client, room.id);
    await socket.connection.waitFor(2);
    const res = await fetch(`${api.url}/v1/users/${kim.id}/deactivate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.adminToken}` },
    });
    expect(res.status).toBe(200);
    await waitUntil(() => socket.connection.state === 'closed', 'the close');
    expect(socket.errors.map((e) => e.message)).toContain(
      'room: deactivated: your account was deactivated',
    );
  });

  it('close a deactivated user’s sockets in every room named, with the deactivation code', async () => {
    const [one, two] = await Promise.all([
      api.admin.createChannel({ name: 'deact-1' }),
      api.admin.createChannel({ name: 'deact-2' }),
    ]);
    const jo = await api.addUser('jo');
    const watcher = record(api.admin, one.id);
    const sockets = [record(jo.client, one.id), record(jo.client, two.id)];
    await Promise.all([watcher, ...sockets].map((r) => r.connection.waitFor(1)));

    const publisher = createRealtimePublisher({ host: realtimeUrl, secret, timeoutMs: 2_000 });
    await publisher.disconnectUser(jo.id, [one.id, two.id], 'deactivated');
    await waitUntil(() => sockets.every((r) => r.connection.state === 'closed'), 'both closes');
    for (const r of sockets) {
      expect(r.errors.map((e) => e.message)).toContain(
        'room: deactivated: your account was deactivated',
      );
    }
    expect(watcher.connection.state).toBe('open');
    await waitUntil(() => !watcher.connection.present.includes(jo.id), 'the leave');
    watcher.connection.close();
  });

  it('are refused unless signed with the room secret', async () => {
    const impostor = createRealtimePublisher({
      host: realtimeUrl,
      secret: 'a-different-secret-value',
      timeoutMs: 2_000,
    });
    await expect(impostor.disconnectUser('usr_x', ['ch_any'])).rejects.toThrow(/answered 401/);
  });
});

describe('tickets at the room door', () => {
  it('refuses a forged ticket with 401 and names the reason', async () => {
    const channel = await api.admin.createChannel({ name: 'door-forged' });
    const forged = await signTicket(
      { channelId: channel.id, userId: 'usr_x', expiresAt: Date.now() + 60_000 },
      'not-the-room-secret-at-all',
    );
    const result = await rawConnect(realtimeUrl, channel.id, forged);
    expect(result).toMatchObject({ status: 401 });
    expect(JSON.parse((result as { body: string }).body).error.code).toBe('ticket_bad_signature');
  });

  it('refuses an expired ticket with 401', async () => {
    const channel = await api.admin.createChannel({ name: 'door-expired' });
    const expired = await signTicket(
      { channelId: channel.id, userId: 'usr_x', expiresAt: Date.now() - 1 },
      secret,
    );
    const result = await rawConnect(realtimeUrl, channel.id, expired);
    expect(result).toMatchObject({ status: 401 });
    expect(JSON.parse((result as { body: string }).body).error.code).toBe('ticket_expired');
  });

  it('refuses a valid ticket for another channel with 403', async () => {
    const [a, b] = await Promise.all([
      api.admin.createChannel({ name: 'door-a' }),
      api.admin.createChannel({ name: 'door-b' }),
    ]);
    const { ticket } = await api.admin.issueRealtimeTicket(a.id);
    const result = await rawConnect(realtimeUrl, b.id, ticket);
    expect(result).toMatchObject({ status: 403 });
    expect(JSON.parse((result as { body: string }).body).error.code).toBe('ticket_wrong_channel');
  });

  it('refuses a missing ticket with 401', async () => {
    const result = await rawConnect(realtimeUrl, 'ch_none', '');
    expect(result).toMatchObject({ status: 401 });
  });

  it('does not issue a ticket for a private channel to a non-member', async () => {
    const channel = await api.admin.createChannel({ name: 'door-private', isPrivate: true });
    const gus = await api.addUser('gus');
    const refusal = await gus.client.issueRealtimeTicket(channel.id).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(StekApiError);
    expect(refusal).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('issues a short-lived ticket for a public channel the caller can see', async () => {
    const channel = await api.admin.createChannel({ name: 'door-public' });
    const hal = await api.addUser('hal');
    const before = Date.now();
    const ticket = await hal.client.issueRealtimeTicket(channel.id);
    expect(ticket).toMatchObject({
      host: realtimeUrl,
      party: 'main',
      room: channel.id,
      headSeq: 1,
    });
    const ttl = Date.parse(ticket.expiresAt) - before;
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(61_000);

    const { ws, messages } = await openRaw(realtimeUrl, channel.id, ticket.ticket);
    await waitUntil(() => messages.length > 0, 'hello');
    expect(messages[0]).toMatchObject({
      type: 'hello',
      room: channel.id,
      userId: hal.id,
    });
    ws.close();
  });

  it('refuses a ticket issued before its holder was removed', async () => {
    const channel = await api.admin.createChannel({ name: 'door-stale' });
    const ivy = await api.addUser('ivy');
    await ivy.client.joinChannel(channel.id);
    const stale = await ivy.client.issueRealtimeTicket(channel.id);
    await ivy.client.leaveChannel(channel.id);
    await sleep(100);

    const { ws, messages } = await openRaw(realtimeUrl, channel.id, stale.ticket);
    await waitUntil(() => messages.length > 0, 'the refusal');
    expect(messages).toEqual([
      { type: 'error', code: 'ticket_revoked', message: 'the ticket predates your removal' },
    ]);
    // The room has sent its close frame (ws reports CLOSING until the TCP connection ends).
    await waitUntil(() => ws.readyState === ws.CLOSING || ws.readyState === ws.CLOSED, 'close');
    ws.terminate();

    // A fresh ticket, issued after the removal, gets in: the channel is public.
    const fresh = await ivy.client.issueRealtimeTicket(channel.id);
    const again = await openRaw(realtimeUrl, channel.id, fresh.ticket);
    await waitUntil(() => again.messages.length > 0, 'hello');
    expect(again.messages[0]).toMatchObject({ type: 'hello', userId: ivy.id });
    again.ws.close();
  });
});

describe('with one-second tickets', () => {
  let shortApi: TestApi;

  beforeAll(async () => {
    shortApi = await startTestApi({ realtimeUrl, secret, ticketTtlMs: 1_000 });
  });

  afterAll(async () => {
    await shortApi?.close();
  });

  it('asks for a fresh ticket on every reconnect, long after the first one expired', async () => {
    const channel = await shortApi.admin.createChannel({ name: 'short-tickets' });
    const r = record(shortApi.admin, channel.id);
    await r.connection.waitFor(1);
    await sleep(1_500);

    r.connection.reconnect();
    await waitUntil(() => r.states.filter((s) => s === 'open').length >= 2, 'the second open');
    await shortApi.admin.postMessage(channel.id, { text: 'after the reconnect' });
    await r.connection.waitFor(2);
    expect(r.seqs()).toEqual([1, 2]);
    expect(r.errors).toEqual([]);
    r.connection.close();
  });
});
