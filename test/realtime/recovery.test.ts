import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPartykitDev, type PartykitDev } from '../../src/dev/partykit.ts';
import {
  deadPort,
  logSeqs,
  range,
  roomHasSeq,
  openRaw,
  record,
  sleep,
  startTestApi,
  waitUntil,
  type TestApi,
} from './helpers.ts';

describe('when publishing fails', () => {
  const realtimeUrl = inject('realtimeUrl');
  const secret = inject('realtimeSecret');
  let api: TestApi;

  beforeAll(async () => {
    // Clients reach the real rooms; the API publishes to a port nothing listens on.
    api = await startTestApi({
      realtimeUrl,
      secret,
      publishUrl: `http://127.0.0.1:${await deadPort()}`,
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('still accepts writes, and clients recover every event when they reconnect', async () => {
    const channel = await api.admin.createChannel({ name: 'lossy' });
    const r = record(api.admin, channel.id);
    await r.connection.waitFor(1);

    for (const n of range(1, 12)) {
      const posted = await api.admin.postMessage(channel.id, { text: `lost ${n}` });
      expect(posted.seq).toBe(n + 1);
    }
    await waitUntil(() => api.publishFailures.length >= 12, 'the API to log the failed publishes');
    expect(api.publishFailures[0]).toMatch(/publishing events failed for 1 of 1 room/);
    // Nothing arrived live: the room never heard of these events.
    expect(r.seqs()).toEqual([1]);

    r.connection.reconnect();
    await r.connection.waitFor(13);
    expect(r.seqs()).toEqual(await logSeqs(api.admin, channel.id));
    expect(r.seqs()).toEqual(range(1, 13));
    r.connection.close();
  });

  it('gives a client connecting later every event from the log, in order', async () => {
    const channel = await api.admin.createChannel({ name: 'lossy-late' });
    for (const n of range(1, 5)) await api.admin.postMessage(channel.id, { text: `m${n}` });
    const r = record(api.admin, channel.id);
    await r.connection.waitFor(6);
    expect(r.seqs()).toEqual(range(1, 6));
    expect(r.states).toContain('catching-up');
    r.connection.close();
  });
});

describe('when the room host restarts', () => {
  const secret = `restart-secret-${crypto.randomUUID()}`;
  const persistDir = mkdtempSync(join(tmpdir(), 'stek-partykit-restart-'));
  let dev: PartykitDev;
  let api: TestApi;

  beforeAll(async () => {
    dev = await startPartykitDev({
      port: 0,
      secret,
      persistDir,
      vars: { REALTIME_BUFFER_SIZE: '100' },
    });
    api = await startTestApi({ realtimeUrl: dev.url, secret });
  });

  afterAll(async () => {
    await api?.close();
    await dev?.stop();
    rmSync(persistDir, { recursive: true, force: true });
  });

  it('delivers every event exactly once across a stop and restart mid-stream, and keeps its buffer', async () => {
    const channel = await api.admin.createChannel({ name: 'restart' });
    const people = await Promise.all(['kim', 'lee'].map((n) => api.addUser(n)));
    for (const p of people) await p.client.joinChannel(channel.id);
    const recorders = people.map((p) => record(p.client, channel.id));
    await Promise.all(recorders.map((r) => r.connection.waitFor(3)));

    // Post steadily for the whole test; the room disappears and comes back in the middle.
    let posting = true;
    let posted = 0;
    const poster = (async () => {
      while (posting) {
        await api.admin.postMessage(channel.id, { text: `tick ${posted}` });
        posted += 1;
        await sleep(15);
      }
    })();

    await waitUntil(() => posted >= 10, 'some posts before the stop');
    const port = dev.port;
    await dev.stop();
    const headAtStop = (await api.admin.getChannel(channel.id)).headSeq;
    await waitUntil(() => recorders.every((r) => r.connection.state === 'connecting'), 'the drop');
    await sleep(300);
    dev = await startPartykitDev({
      port,
      secret,
      persistDir,
      vars: { REALTIME_BUFFER_SIZE: '100' },
    });
    await sleep(400);
    posting = false;
    await poster;

    const head = (await api.admin.getChannel(channel.id)).headSeq;
    expect(head).toBeGreaterThan(headAtStop);
    await Promise.all(recorders.map((r) => r.connection.waitFor(head, 20_000)));
    const expected = await logSeqs(api.admin, channel.id);
    expect(expected).toEqual(range(1, head));
    for (const r of recorders) {
      expect(r.seqs()).toEqual(expected);
      expect(r.states).toContain('connecting');
    }

    // The restarted room still has events from before the stop in its buffer (capacity 100).
    const { ticket } = await api.admin.issueRealtimeTicket(channel.id);
    const { ws, messages } = await openRaw(dev.url, channel.id, ticket);
    await waitUntil(() => roomHasSeq(messages, head), 'the room to see every publish');
    const hello = messages[0] as { type: string; headSeq: number; oldestSeq: number };
    expect(hello.type).toBe('hello');
    expect(hello.oldestSeq).toBe(1);
    ws.send(JSON.stringify({ type: 'resume', after: hello.oldestSeq - 1 }));
    await waitUntil(() => messages.length > 1, 'the resume answer');
    // Events posted while the room was down never reached it: the run has a gap, so catch-up.
    expect(messages.at(-1)).toMatchObject({ type: 'catchup', headSeq: head });
    ws.send(JSON.stringify({ type: 'resume', after: head - 1 }));
    await waitUntil(() => messages.some((m) => m.type === 'resumed'), 'a replay');
    const replayed = messages.filter((m) => m.type === 'event');
    expect(replayed.map((m) => (m.event as { seq: number }).seq)).toEqual([head]);
    ws.close();
    for (const r of recorders) r.connection.close();
  });

  it('tells a client resuming from before its buffer to catch up, and the client does', async () => {
    const channel = await api.admin.createChannel({ name: 'long-gap' });
    await Promise.all(
      range(1, 120).map((n) => api.admin.postMessage(channel.id, { text: `m${n}` })),
    );
    const { ticket } = await api.admin.issueRealtimeTicket(channel.id);
    const { ws, messages } = await openRaw(dev.url, channel.id, ticket);
    // Publishes run after each commit without blocking the post: wait until the room has them all.
    await waitUntil(() => roomHasSeq(messages, 121), 'the room to see every publish');
    ws.send(JSON.stringify({ type: 'resume', after: 0 }));
    await waitUntil(() => messages.some((m) => m.type === 'catchup'), 'the resume answer');
    expect(messages.find((m) => m.type === 'catchup')).toEqual({
      type: 'catchup',
      after: 0,
      headSeq: 121,
    });
    expect(messages.some((m) => m.type === 'resumed')).toBe(false);
    ws.close();

    const r = record(api.admin, channel.id, { catchupPageSize: 25 });
    await r.connection.waitFor(121);
    expect(r.seqs()).toEqual(range(1, 121));
    r.connection.close();
  });
});
