import type { MessageView } from '../../../src/client/index.ts';
import type { ChatState, ChatStore } from '../state/chat-store.ts';
import type { MessageActions } from './message-item.tsx';

/** The actions every message offers, bound to the store. */
export function bindMessageActions(store: ChatStore, withReply: boolean): MessageActions {
  return {
    onReply: withReply ? (m: MessageView) => void store.openThread(m.id) : undefined,
    onReact: (m, emoji) => void store.toggleReaction(m, emoji),
    onEdit: (m, text) => void store.edit(m.id, text),
    onDelete: (m) => {
      if (confirm('Delete this message? This cannot be undone.')) void store.remove(m.id);
    },
    startEdit: (m) => store.startEdit(m.id),
    stopEdit: store.stopEdit,
  };
}

/** A user's display name, for bylines and reaction tooltips. */
export function nameResolver(state: ChatState): (userId: string) => string {
  return (id) => state.users[id]?.displayName || state.users[id]?.name || 'unknown';
}

/** Moves focus to the previous or next message with the arrow keys (one tab stop per list). */
export function moveMessageFocus(e: KeyboardEvent): void {
  if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown' && e.key !== 'Home' && e.key !== 'End') return;
  const target = e.target as HTMLElement;
  if (!target.classList.contains('message')) return;
  const list = target.closest('[data-message-list]');
  const items = Array.from(list?.querySelectorAll<HTMLElement>('article.message[tabindex]') ?? []);
  const at = items.indexOf(target);
  let next: HTMLElement | undefined;
  if (e.key === 'Home') next = items[0];
  else if (e.key === 'End') next = items.at(-1);
  else next = items[at + (e.key === 'ArrowUp' ? -1 : 1)];
  if (!next) return;
  e.preventDefault();
  target.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}
