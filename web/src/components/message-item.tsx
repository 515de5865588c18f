// One message: author, time, text (links clickable), edited/deleted state, reactions, the thread
// summary, and the actions the caller may take on it. Also the pending (unconfirmed) form.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { MessageView } from '../../../src/client/index.ts';
import { formatFullTime, formatTime, splitLinks } from '../lib/format.ts';
import type { PendingMessage } from '../state/chat-store.ts';

export const quickReactions = ['👍', '❤️', '😂', '🎉', '👀', '🚀'];

export interface MessageActions {
  onReply?: (message: MessageView) => void;
  onReact: (message: MessageView, emoji: string) => void;
  onEdit: (message: MessageView, text: string) => void;
  onDelete: (message: MessageView) => void;
  startEdit: (message: MessageView) => void;
  stopEdit: () => void;
}

export interface MessageItemProps extends MessageActions {
  message: MessageView;
  authorName: string;
  mine: boolean;
  meId: string;
  editing: boolean;
  highlighted: boolean;
  /** Whether this is the list's keyboard entry point (tabIndex 0). */
  current: boolean;
  nameOf: (userId: string) => string;
}

function MessageText({ text }: { text: string }) {
  return (
    <div class="message-text">
      {splitLinks(text).map((part, i) =>
        part.href ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </div>
  );
}

function EditForm(props: {
  message: MessageView;
  onSave: (text: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(props.message.text);
  const area = useRef<HTMLTextAreaElement>(null);
  // Before the first paint, not after: an effect runs a frame later and would move the caret
  // under someone who has already selected the text to replace it.
  useLayoutEffect(() => {
    const el = area.current;
    if (el) {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    }
  }, []);
  return (
    <form
      class="edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) props.onSave(text);
      }}
    >
      <label class="visually-hidden" for={`edit-${props.message.id}`}>
        Edit message
      </label>
      <textarea
        id={`edit-${props.message.id}`}
        ref={area}
        value={text}
        rows={Math.min(8, text.split('\n').length)}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            props.onCancel();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            if (text.trim()) props.onSave(text);
          }
        }}
      />
      <div class="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary">
          Save
        </button>
      </div>
    </form>
  );
}

export function MessageItem(props: MessageItemProps) {
  const { message, mine } = props;
  const [picking, setPicking] = useState(false);
  const time = formatTime(message.createdAt);
  const deleted = message.deleted;

  return (
    <article
      id={`msg-${message.id}`}
      class={`message${mine ? ' mine' : ''}${props.highlighted ? ' highlighted' : ''}${deleted ? ' deleted' : ''}`}
      tabIndex={props.current ? 0 : -1}
      data-message-id={message.id}
      aria-label={`${props.authorName}, ${time}`}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget || deleted) return;
        if (e.key === 'r' && props.onReply) props.onReply(message);
        else if (e.key === 'e' && mine) props.startEdit(message);
        else if ((e.key === 'Delete' || e.key === 'Backspace') && mine) props.onDelete(message);
        else return;
        e.preventDefault();
      }}
    >
      <header class="message-head">
        <span class="author">{props.authorName}</span>
        <time dateTime={message.createdAt} title={formatFullTime(message.createdAt)}>
          {time}
        </time>
        {message.editedAt && !deleted && <span class="edited">(edited)</span>}
      </header>
      {deleted ? (
        <p class="message-text tombstone">This message was deleted.</p>
      ) : props.editing ? (
        <EditForm
          message={message}
          onSave={(text) => props.onEdit(message, text)}
          onCancel={props.stopEdit}
        />
      ) : (
        <MessageText text={message.text} />
      )}
      {!deleted && message.reactions.length > 0 && (
        <ul class="reactions" aria-label="Reactions">
          {message.reactions.map((r) => {
            const reacted = r.userIds.includes(props.meId);
            const who = r.userIds.map(props.nameOf).join(', ');
            return (
              <li key={r.emoji}>
                <button
                  type="button"
                  class={`reaction${reacted ? ' reacted' : ''}`}
                  aria-pressed={reacted}
                  aria-label={`${r.emoji} ${r.count}: ${who}`}
                  title={who}
                  onClick={() => props.onReact(message, r.emoji)}
                >
                  {r.emoji} <span class="count">{r.count}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {props.onReply && message.replyCount > 0 && !deleted && (
        <button type="button" class="thread-summary" onClick={() => props.onReply!(message)}>
          {message.replyCount} {message.replyCount === 1 ? 'reply' : 'replies'}
        </button>
      )}
      {!deleted && !props.editing && (
        <div class="message-actions" role="group" aria-label="Message actions">
          <button
            type="button"
            class="icon-button"
            aria-label="Add reaction"
            aria-expanded={picking}
            onClick={() => setPicking(!picking)}
          >
            ☺
          </button>
          {props.onReply && (
            <button
              type="button"
              class="icon-button"
              aria-label="Reply in thread"
              onClick={() => props.onReply!(message)}
            >
              ↩
            </button>
          )}
          {mine && (
            <>
              <button
                type="button"
                class="icon-button"
                aria-label="Edit message"
                onClick={() => props.startEdit(message)}
              >
                ✎
              </button>
              <button
                type="button"
                class="icon-button"
                aria-label="Delete message"
                onClick={() => props.onDelete(message)}
              >
                🗑
              </button>
            </>
          )}
          {picking && (
            <div class="reaction-picker" role="group" aria-label="Pick a reaction">
              {quickReactions.map((emoji) => (
                <button
                  key={emoji}
                  type="button"
                  aria-label={`React with ${emoji}`}
                  onClick={() => {
                    setPicking(false);
                    props.onReact(message, emoji);
                  }}
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
    </article>
  );
}

/** A message on its way, or refused: shown greyed, with Retry and Discard when it failed. */
export function PendingItem(props: {
  pending: PendingMessage;
  authorName: string;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
}) {
  const { pending } = props;
  const failed = pending.status === 'failed';
  return (
    <article
      class={`message mine pending${failed ? ' failed' : ''}`}
      data-client-msg-id={pending.clientMsgId}
      aria-label={`${props.authorName}, ${failed ? 'not sent' : 'sending'}`}
    >
      <header class="message-head">
        <span class="author">{props.authorName}</span>
        <span class="status">{failed ? 'Not sent' : 'Sending…'}</span>
      </header>
      <MessageText text={pending.text} />
      {failed && (
        <div class="failed-bar" role="alert">
          <span>Could not send{pending.error ? `: ${pending.error}` : ''}.</span>
          <button
            type="button"
            class="link-button"
            onClick={() => props.onRetry(pending.clientMsgId)}
          >
            Retry
          </button>
          <button
            type="button"
            class="link-button"
            onClick={() => props.onDiscard(pending.clientMsgId)}
          >
            Discard
          </button>
        </div>
      )}
    </article>
  );
}
