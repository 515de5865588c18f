// The signed-in layout: top bar with search, the channel sidebar, the channel, and the thread or
// search results beside it (over it on a phone).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatStore } from '../state/chat-store.ts';
import { useChatState } from '../state/use-store.ts';
import { ChannelView } from './channel-view.tsx';
import { SearchPanel } from './search-panel.tsx';
import { Sidebar } from './sidebar.tsx';
import { ThreadPanel } from './thread-panel.tsx';

export interface ChatAppProps {
  store: ChatStore;
  onSignOut: () => void;
}

const isTypingTarget = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function ChatApp({ store, onSignOut }: ChatAppProps) {
  const state = useChatState(store);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [query, setQuery] = useState('');
  const searchInput = useRef<HTMLInputElement>(null);

  // Open the first channel the caller is in, once the list is there.
  useEffect(() => {
    if (state.activeId) return;
    const first = state.channels.find((c) => c.isMember && c.kind === 'channel');
    if (first) void store.selectChannel(first.id);
  }, [state.channels, state.activeId]);

  useEffect(() => {
    const memberChannels = () => state.channels.filter((c) => c.isMember);
    function onKey(e: KeyboardEvent) {
      if (
        (e.key === 'k' && (e.ctrlKey || e.metaKey)) ||
        (e.key === '/' && !isTypingTarget(e.target))
      ) {
        e.preventDefault();
        searchInput.current?.focus();
        searchInput.current?.select();
      } else if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        const list = memberChannels();
        const at = list.findIndex((c) => c.id === state.activeId);
        const next = list[(at + (e.key === 'ArrowUp' ? -1 : 1) + list.length) % list.length];
        if (next) {
          e.preventDefault();
          void store.selectChannel(next.id);
        }
      } else if (e.key === 'Escape') {
        if (state.search?.open) store.closeSearch();
        else if (state.thread) store.closeThread();
        else if (drawerOpen) setDrawerOpen(false);
        else return;
        e.preventDefault();
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [state.channels, state.activeId, state.search?.open, state.thread, drawerOpen]);

  const searchOpen = Boolean(state.search?.open);
  const side = searchOpen ? 'search' : state.thread ? 'thread' : null;

  return (
    <div class={`layout${side ? ` with-${side}` : ''}${drawerOpen ? ' drawer-open' : ''}`}>
      <header class="topbar">
        <button
          type="button"
          class="icon-button menu-button"
          aria-label="Channels"
          aria-expanded={drawerOpen}
          aria-controls="sidebar"
          onClick={() => setDrawerOpen(!drawerOpen)}
        >
          ☰
        </button>
        <span class="brand" aria-hidden="true">
          stek
        </span>
        <form
          class="search-form"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            void store.search(query);
          }}
        >
          <label for="search-input" class="visually-hidden">
            Search messages
          </label>
          <input
            id="search-input"
            ref={searchInput}
            type="search"
            placeholder="Search messages (Ctrl+K)"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
            autocomplete="off"
          />
        </form>
        <span class="me" title={state.me.name}>
          {state.me.displayName || state.me.name}
        </span>
        <button type="button" class="link-button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <Sidebar
        store={store}
        state={state}
        onNavigate={() => setDrawerOpen(false)}
        onClose={() => setDrawerOpen(false)}
      />
      {drawerOpen && <div class="scrim" aria-hidden="true" onClick={() => setDrawerOpen(false)} />}
      <ChannelView store={store} state={state} />
      {side === 'thread' && <ThreadPanel store={store} state={state} />}
      {side === 'search' && (
        <SearchPanel
          store={store}
          state={state}
          onQuery={(q) => {
            setQuery(q);
            void store.search(q);
          }}
        />
      )}
      {state.notice && (
        <div class="notice" role="alert">
          <span>{state.notice}</span>
          <button type="button" class="link-button" onClick={store.dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
