// The rows of a message list (a channel's history or a thread's replies): the messages, then
// what the caller is still sending there.
import type { MessageView } from '../../../src/client/index.ts';
import type { ChatState, ChatStore } from '../state/chat-store.ts';
import type { PendingMessage } from '../state/types.ts';
import { MessageItem, PendingItem, type MessageActions } from './message-item.tsx';

export function MessageRows(props: {
  messages: MessageView[];
  pending: PendingMessage[];
  state: ChatState;
  store: ChatStore;
  actions: MessageActions;
  nameOf: (userId: string) => string;
  highlighted: string | null | undefined;
}) {
  const { messages, state, store } = props;
  const me = state.me;
  return (
    <>
      {messages.map((m, i) => (
        <MessageItem
          key={m.id}
          message={m}
          authorName={props.nameOf(m.authorId)}
          mine={m.authorId === me.id}
          meId={me.id}
          editing={state.editingId === m.id}
          highlighted={props.highlighted === m.id}
          current={i === messages.length - 1}
          nameOf={props.nameOf}
          {...props.actions}
        />
      ))}
      {props.pending.map((p) => (
        <PendingItem
          key={p.clientMsgId}
          pending={p}
          authorName={me.displayName || me.name}
          onRetry={(id) => void store.retry(id)}
          onDiscard={store.discard}
        />
      ))}
    </>
  );
}
