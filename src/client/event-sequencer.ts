// Turns events arriving in any order, any number of times, into one ordered stream without gaps.

import type { ChannelEvent } from './types.ts';

export type OfferResult = 'delivered' | 'duplicate' | 'held';

export interface EventSequencer {
  /** The seq of the last event delivered. */
  readonly lastSeq: number;
  /** Whether events are held back waiting for a missing seq. */
  readonly hasGap: boolean;
  /** The highest seq seen, delivered or held. */
  readonly highestSeq: number;
  /**
   * Delivers the event if it is next, holds it if it is ahead (and delivers held events that
   * become next), drops it if it was delivered already.
   */
  offer(event: ChannelEvent): OfferResult;
}

/** A sequencer starting after `after`, delivering through `deliver`. */
export function createEventSequencer(
  after: number,
  deliver: (event: ChannelEvent) => void,
): EventSequencer {
  let lastSeq = after;
  const held = new Map<number, ChannelEvent>();
  let highestSeq = after;

  function offer(event: ChannelEvent): OfferResult {
    if (event.seq <= lastSeq) return 'duplicate';
    highestSeq = Math.max(highestSeq, event.seq);
    if (event.seq !== lastSeq + 1) {
      if (held.has(event.seq)) return 'duplicate';
      held.set(event.seq, event);
      return 'held';
    }
    lastSeq = event.seq;
    deliver(event);
    for (let next = held.get(lastSeq + 1); next; next = held.get(lastSeq + 1)) {
      held.delete(next.seq);
      lastSeq = next.seq;
      deliver(next);
    }
    return 'delivered';
  }

  return {
    get lastSeq() {
      return lastSeq;
    },
    get hasGap() {
      return held.size > 0;
    },
    get highestSeq() {
      return highestSeq;
    },
    offer,
  };
}
