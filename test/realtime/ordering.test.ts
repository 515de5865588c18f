import { describe, expect, it } from 'vitest';
import type { ChannelEvent } from '../../src/chat/events.ts';
import { createEventSequencer } from '../../src/client/event-sequencer.ts';
import { createEventBuffer } from '../../src/realtime/event-buffer.ts';
import { createRealtimePublisher, groupByChannel } from '../../src/realtime/publisher.ts';

const event = (seq: number): ChannelEvent => ({
  type: 'member.joined',
  data: { userId: `usr_${seq}` },
  channelId: 'ch_1',
  seq,
  actorId: null,
  createdAt: new Date(0).toISOString(),
});

describe('the client sequencer', () => {
  it('delivers each seq once, in order, whatever order and repetition they arrive in', () => {
    const delivered: number[] = [];
    const sequencer = createEventSequencer(0, (e) => delivered.push(e.seq));
    const arrivals = [2, 1, 1, 4, 3, 3, 2, 6, 5, 6, 7];
    const results = arrivals.map((seq) => sequencer.offer(event(seq)));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(results).toEqual([
      'held',
      'delivered',
      'duplicate',
      'held',
      'delivered',
      'duplicate',
      'duplicate',
      'held',
      'delivered',
      'duplicate',
      'delivered',
    ]);
    expect(sequencer.lastSeq).toBe(7);
    expect(sequencer.hasGap).toBe(false);
  });

  it('reports a gap while an event ahead of the next seq is held', () => {
    const delivered: number[] = [];
    const sequencer = createEventSequencer(10, (e) => delivered.push(e.seq));
    expect(sequencer.offer(event(13))).toBe('held');
    expect(sequencer.hasGap).toBe(true);
    expect(sequencer.offer(event(9))).toBe('duplicate');
    sequencer.offer(event(11));
    sequencer.offer(event(12));
    expect(delivered).toEqual([11, 12, 13]);
    expect(sequencer.hasGap).toBe(false);
  });
});

describe('the room buffer', () => {
  it('keeps events sorted and unique, and reports only the new ones', () => {
    const buffer = createEventBuffer(10);
    expect(buffer.add([event(2), event(1)]).added.map((e) => e.seq)).toEqual([1, 2]);
    expect(buffer.add([event(2), event(3)]).added.map((e) => e.seq)).toEqual([3]);
    expect(buffer.headSeq).toBe(3);
    expect(buffer.replay(0)).toEqual({ ok: true, events: [event(1), event(2), event(3)] });
  });

  it('forgets the oldest events beyond its capacity and reports them dropped', () => {
    const buffer = createEventBuffer(3);
    const change = buffer.add([1, 2, 3, 4, 5].map(event));
    expect(change.dropped).toEqual([1, 2]);
    expect(change.added.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(buffer.oldestSeq).toBe(3);
    expect(buffer.add([event(1)]).added).toEqual([]);
  });

  it('replays only a gap-free run starting right after the resume point', () => {
    const buffer = createEventBuffer(10, [1, 2, 3, 5, 6].map(event));
    expect(buffer.replay(5)).toEqual({ ok: true, events: [event(6)] });
    expect(buffer.replay(6)).toEqual({ ok: true, events: [] });
    expect(buffer.replay(2)).toEqual({ ok: false });
    const trimmed = createEventBuffer(2, [1, 2, 3].map(event));
    expect(trimmed.replay(0)).toEqual({ ok: false });
    expect(trimmed.replay(1)).toEqual({ ok: true, events: [event(2), event(3)] });
  });
});

describe('the publisher', () => {
  it('groups events by channel, each group in seq order', () => {
    const other = (seq: number): ChannelEvent => ({ ...event(seq), channelId: 'ch_2' });
    const groups = groupByChannel([event(3), other(2), event(1), other(1), event(2)]);
    expect([...groups.keys()]).toEqual(['ch_1', 'ch_2']);
    expect(groups.get('ch_1')!.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(groups.get('ch_2')!.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses a host that is not an http origin, and a short secret, when created', () => {
    const secret = 'a-secret-of-enough-length';
    expect(() => createRealtimePublisher({ host: '127.0.0.1:1999', secret })).toThrow(/origin/);
    expect(() =>
      createRealtimePublisher({ host: 'http://127.0.0.1:1999', secret: 'short' }),
    ).toThrow(/at least 16/);
  });
});
