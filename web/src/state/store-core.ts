import type { ChatState, Timeline } from './types.ts';

/** The snapshot, its subscribers, and the two ways to change it. */
export interface StoreCore {
  readonly state: ChatState;
  set(patch: Partial<ChatState>): void;
  /** Changes one channel's timeline, creating an empty one first if needed. */
  setTimeline(channelId: string, patch: Partial<Timeline>): void;
  subscribe(listener: () => void): () => void;
}

const emptyTimeline: Timeline = {
  messages: [],
  hasOlder: false,
  hasNewer: false,
  loading: null,
  cursor: 0,
};

/** A store starting from `initial`; every change makes a new snapshot and tells the listeners. */
export function createStoreCore(initial: ChatState): StoreCore {
  let state = initial;
  const listeners = new Set<() => void>();

  function set(patch: Partial<ChatState>) {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  }

  return {
    get state() {
      return state;
    },
    set,
    setTimeline(channelId, patch) {
      const current = state.timelines[channelId] ?? emptyTimeline;
      set({ timelines: { ...state.timelines, [channelId]: { ...current, ...patch } } });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
