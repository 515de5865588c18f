import { useEffect, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from './chat-store.ts';

/** The store's current snapshot; the component renders again whenever it changes. */
export function useChatState(store: ChatStore): ChatState {
  const [snapshot, setSnapshot] = useState(store.getState());
  useEffect(() => {
    setSnapshot(store.getState());
    return store.subscribe(() => setSnapshot(store.getState()));
  }, [store]);
  return snapshot;
}
