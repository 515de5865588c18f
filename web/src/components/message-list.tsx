// A channel's history: scrolls back through older pages as the top comes into view, keeps to the
// bottom while new messages arrive, marks the channel read when the newest message is in view,
// and scrolls to a message picked from search.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../state/chat-store.ts';
import { bindMessageActions, moveMessageFocus, nameResolver } from './message-actions.ts';
import { MessageRows } from './message-rows.tsx';

export interface MessageListProps {
  store: ChatStore;
  state: ChatState;
  channelLabel: string;
}

const nearEdgePx = 120;

export function MessageList({ store, state, channelLabel }: MessageListProps) {
  const channelId = state.activeId!;
  const timeline = state.timelines[channelId];
  const messages = timeline?.messages ?? [];
  const pending = state.pending.filter((p) => p.channelId === channelId && !p.threadId);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const fromBottom = useRef(0);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const nameOf = nameResolver(state);
  const actions = bindMessageActions(store, true);

  function maybeMarkRead() {
    if (atBottom.current && !timeline?.hasNewer && document.visibilityState === 'visible') {
      void store.markRead();
    }
  }

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const bottomGap = el.scrollHeight - el.scrollTop - el.clientHeight;
    atBottom.current = bottomGap < nearEdgePx;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    if (el.scrollTop < nearEdgePx && timeline?.hasOlder) void store.loadOlder();
    if (atBottom.current && timeline?.hasNewer) void store.loadNewer();
    maybeMarkRead();
  }

  // A new channel starts at the bottom.
  useLayoutEffect(() => {
    atBottom.current = true;
  }, [channelId]);

  // Older pages keep what is on screen in place; new messages keep a reader at the bottom there.
  const firstId = messages[0]?.id;
  const lastKey = `${messages.at(-1)?.id}:${pending.length}`;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || state.focusMessageId) return;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    else el.scrollTop = el.scrollHeight - fromBottom.current;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    // A short first page may not fill the view: keep reading back until it scrolls.
    if (el.scrollHeight <= el.clientHeight && timeline?.hasOlder) void store.loadOlder();
  }, [firstId, lastKey, channelId]);

  useEffect(maybeMarkRead, [lastKey, channelId, timeline?.hasNewer]);
  useEffect(() => {
    document.addEventListener('visibilitychange', maybeMarkRead);
    return () => document.removeEventListener('visibilitychange', maybeMarkRead);
  });

  // Jump to a message picked from search, once it is loaded.
  useEffect(() => {
    const id = state.focusMessageId;
    if (!id || state.thread?.replies.some((r) => r.id === id)) return;
    const el = document.getElementById(`msg-${id}`);
    if (!el || !scroller.current?.contains(el)) return;
    el.scrollIntoView({ block: 'center' });
    el.tabIndex = 0;
    el.focus({ preventScroll: true });
    setHighlighted(id);
    store.clearFocus(id);
    const timer = setTimeout(() => setHighlighted(null), 4_000);
    return () => clearTimeout(timer);
  }, [state.focusMessageId, messages.length]);

  return (
    <div
      class="message-scroller"
      ref={scroller}
      onScroll={onScroll}
      data-message-list
      onKeyDown={moveMessageFocus}
    >
      {timeline?.loading === 'older' && <p class="loading">Loading older messages…</p>}
      {timeline && !timeline.hasOlder && timeline.loading !== 'initial' && (
        <p class="history-start">This is the start of {channelLabel}.</p>
      )}
      <div
        role="log"
        aria-label={`Messages in ${channelLabel}`}
        aria-busy={Boolean(timeline?.loading)}
      >
        <MessageRows
          messages={messages}
          pending={pending}
          state={state}
          store={store}
          actions={actions}
          nameOf={nameOf}
          highlighted={highlighted}
        />
      </div>
      {timeline?.loading === 'initial' && <p class="loading">Loading…</p>}
      {timeline?.hasNewer && (
        <button type="button" class="jump-latest" onClick={() => void store.showLatest()}>
          Jump to the latest messages
        </button>
      )}
    </div>
  );
}
