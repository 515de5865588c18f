// The recent events a room keeps so a reconnecting client can resume without a database read.
// Pure logic; the room persists what `add` reports as stored and dropped.
import type { ChannelEvent } from './protocol.ts';

/** What `add` changed: events new to the buffer (in seq order) and seqs pushed out of it. */
export interface BufferChange {
  added: ChannelEvent[];
  dropped: number[];
}

/** How a resume from a seq can be answered. */
export type ReplayPlan = { ok: true; events: ChannelEvent[] } | { ok: false };

export interface EventBuffer {
  readonly headSeq: number;
  /** The oldest buffered seq, or headSeq + 1 when empty. */
  readonly oldestSeq: number;
  readonly size: number;
  add(events: readonly ChannelEvent[]): BufferChange;
  /**
   * The events after `after`, when the buffer holds every one of them without a gap. A gap means
   * a publish never arrived (or the buffer forgot it), so only the durable log can answer.
   */
  replay(after: number): ReplayPlan;
}

/** A buffer of at most `capacity` events, ordered and deduplicated by seq. */
export function createEventBuffer(
  capacity: number,
  initial: readonly ChannelEvent[] = [],
): EventBuffer {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new TypeError('the event buffer capacity must be a positive integer');
  }
  // Sorted by seq; appends are the common case, so insertion from the end is cheap.
  const items: ChannelEvent[] = [];
  let headSeq = 0;

  function insert(event: ChannelEvent): boolean {
    let i = items.length;
    while (i > 0 && items[i - 1]!.seq > event.seq) i -= 1;
    if (i > 0 && items[i - 1]!.seq === event.seq) return false;
    items.splice(i, 0, event);
    return true;
  }

  function add(events: readonly ChannelEvent[]): BufferChange {
    const added: ChannelEvent[] = [];
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    for (const event of sorted) {
      if (!Number.isInteger(event.seq) || event.seq < 1) continue;
      // Older than anything kept and already pushed out: a late duplicate, or too old to matter.
      if (items.length >= capacity && event.seq < items[0]!.seq) continue;
      if (insert(event)) added.push(event);
      headSeq = Math.max(headSeq, event.seq);
    }
    const dropped = items.splice(0, Math.max(0, items.length - capacity)).map((e) => e.seq);
    const droppedSet = new Set(dropped);
    return { added: added.filter((e) => !droppedSet.has(e.seq)), dropped };
  }

  function replay(after: number): ReplayPlan {
    if (after >= headSeq) return { ok: true, events: [] };
    const start = items.findIndex((e) => e.seq > after);
    if (start < 0 || items[start]!.seq !== after + 1) return { ok: false };
    const events = items.slice(start);
    for (let i = 1; i < events.length; i += 1) {
      if (events[i]!.seq !== events[i - 1]!.seq + 1) return { ok: false };
    }
    return { ok: true, events };
  }

  add(initial);
  return {
    get headSeq() {
      return headSeq;
    },
    get oldestSeq() {
      return items[0]?.seq ?? headSeq + 1;
    },
    get size() {
      return items.length;
    },
    add,
    replay,
  };
}
