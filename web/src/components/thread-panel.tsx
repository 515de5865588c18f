// A thread beside the channel (over it on a phone): the root, its replies, and a reply box.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../state/chat-store.ts';
import { Composer } from './composer.tsx';
import { bindMessageActions, moveMessageFocus, nameResolver } from './message-actions.ts';
import { MessageItem } from './message-item.tsx';
import { MessageRows } from './message-rows.tsx';

export function ThreadPanel({ store, state }: { store: ChatStore; state: ChatState }) {
  const thread = state.thread!;
  const nameOf = nameResolver(state);
  const actions = bindMessageActions(store, false);
  const scroller = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const pending = state.pending.filter((p) => p.threadId === thread.rootId);
  const channel = state.channels.find((c) => c.id === thread.channelId);
  const me = state.me;

  useEffect(() => heading.current?.focus(), [thread.rootId]);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && !state.focusMessageId) el.scrollTop = el.scrollHeight;
  }, [thread.replies.length, pending.length, thread.loading]);

  useEffect(() => {
    const id = state.focusMessageId;
    if (!id || !thread.replies.some((r) => r.id === id)) return;
    const el = document.getElementById(`msg-${id}`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.tabIndex = 0;
    el.focus({ preventScroll: true });
    setHighlighted(id);
    store.clearFocus(id);
    const timer = setTimeout(() => setHighlighted(null), 4_000);
    return () => clearTimeout(timer);
  }, [state.focusMessageId, thread.replies.length]);

  const root = thread.root;
  return (
    <aside class="side-panel thread-panel" aria-labelledby="thread-title">
      <header class="panel-head">
        <h2 id="thread-title" tabIndex={-1} ref={heading}>
          Thread
          {channel && channel.kind === 'channel' && <span class="hint"> in #{channel.name}</span>}
        </h2>
        <button
          type="button"
          class="icon-button"
          aria-label="Close thread"
          onClick={store.closeThread}
        >
          ✕
        </button>
      </header>
      <div class="message-scroller" ref={scroller} data-message-list onKeyDown={moveMessageFocus}>
        {thread.loading && <p class="loading">Loading the thread…</p>}
        {root && (
          <div class="thread-root">
            <MessageItem
              message={root}
              authorName={nameOf(root.authorId)}
              mine={root.authorId === me.id}
              meId={me.id}
              editing={state.editingId === root.id}
              highlighted={false}
              current={thread.replies.length === 0}
              nameOf={nameOf}
              {...actions}
            />
            <p class="reply-count">
              {thread.replies.length} {thread.replies.length === 1 ? 'reply' : 'replies'}
            </p>
          </div>
        )}
        <div role="log" aria-label="Replies">
          <MessageRows
            messages={thread.replies}
            pending={pending}
            state={state}
            store={store}
            actions={actions}
            nameOf={nameOf}
            highlighted={highlighted}
          />
        </div>
      </div>
      {channel?.isMember && root && !root.deleted && (
        <Composer
          id="thread-composer"
          label="Reply in thread"
          disabled={channel.archived}
          onSend={(text) => store.send(text, thread.rootId)}
          onTyping={store.sendTyping}
        />
      )}
    </aside>
  );
}
