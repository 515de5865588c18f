// Pure functions over message lists: merging pages and applying channel events. Every function
// here is idempotent, so an event applied twice, or a page overlapping one already shown, changes
// nothing the second time.
import type { ChannelEvent, MessageView } from '../../../src/client/index.ts';

/** Merges messages into a list ordered by seq; an incoming copy replaces the one it matches. */
export function upsertMessages(list: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Replaces one message by id, if present. */
export function updateMessage(
  list: MessageView[],
  id: string,
  change: (message: MessageView) => MessageView,
): MessageView[] {
  const index = list.findIndex((m) => m.id === id);
  if (index < 0) return list;
  const next = list.slice();
  next[index] = change(list[index]!);
  return next;
}

/** The message with the user's reaction set or cleared. */
export function withReaction(
  message: MessageView,
  emoji: string,
  userId: string,
  present: boolean,
): MessageView {
  const reactions = message.reactions.map((r) => ({ ...r, userIds: [...r.userIds] }));
  let reaction = reactions.find((r) => r.emoji === emoji);
  if (!reaction) {
    if (!present) return message;
    reaction = { emoji, count: 0, userIds: [] };
    reactions.push(reaction);
  }
  const has = reaction.userIds.includes(userId);
  if (present === has) return message;
  reaction.userIds = present
    ? [...reaction.userIds, userId]
    : reaction.userIds.filter((u) => u !== userId);
  reaction.count = reaction.userIds.length;
  return { ...message, reactions: reactions.filter((r) => r.count > 0) };
}

/** A tombstone, as the API shows deleted messages. */
export function asDeleted(message: MessageView, at: string): MessageView {
  return { ...message, deleted: true, deletedAt: at, text: '', reactions: [] };
}

export interface ApplyOptions {
  /** Whether new top-level messages belong in this list (false while newer pages are unloaded). */
  appendNew: boolean;
}

/**
 * Applies one event to the list of a channel's top-level messages (replies are not in it; a reply
 * only moves its root's reply count).
 */
export function applyToChannelList(
  list: MessageView[],
  event: ChannelEvent,
  options: ApplyOptions,
): MessageView[] {
  switch (event.type) {
    case 'message.created': {
      const message = event.data.message;
      if (!message.threadId) return options.appendNew ? upsertMessages(list, [message]) : list;
      // A root loaded after this reply was posted counts it already; its lastReplyAt says so.
      return updateMessage(list, message.threadId, (root) =>
        root.lastReplyAt !== null && root.lastReplyAt >= message.createdAt
          ? root
          : { ...root, replyCount: root.replyCount + 1, lastReplyAt: message.createdAt },
      );
    }
    case 'message.edited':
      return updateMessage(list, event.data.message.id, () => event.data.message);
    case 'message.deleted': {
      const { messageId, threadId } = event.data;
      const next = updateMessage(list, messageId, (m) => asDeleted(m, event.createdAt));
      if (!threadId) return next;
      return updateMessage(next, threadId, (root) => ({
        ...root,
        replyCount: Math.max(0, root.replyCount - 1),
      }));
    }
    case 'reaction.added':
    case 'reaction.removed': {
      const { messageId, emoji, userId } = event.data;
      const present = event.type === 'reaction.added';
      return updateMessage(list, messageId, (m) => withReaction(m, emoji, userId, present));
    }
    default:
      return list;
  }
}

/** Applies one event to an open thread: its root and its replies, oldest first. */
export function applyToThread(
  thread: { rootId: string; root: MessageView | null; replies: MessageView[] },
  event: ChannelEvent,
): { root: MessageView | null; replies: MessageView[] } {
  const { rootId } = thread;
  let { root, replies } = thread;
  const onRoot = (id: string, change: (m: MessageView) => MessageView) => {
    if (root && root.id === id) root = change(root);
  };
  switch (event.type) {
    case 'message.created': {
      const message = event.data.message;
      if (message.threadId === rootId && !replies.some((r) => r.id === message.id)) {
        replies = upsertMessages(replies, [message]);
        onRoot(rootId, (m) => ({ ...m, replyCount: replies.length }));
      }
      break;
    }
    case 'message.edited':
      onRoot(event.data.message.id, () => event.data.message);
      replies = updateMessage(replies, event.data.message.id, () => event.data.message);
      break;
    case 'message.deleted':
      onRoot(event.data.messageId, (m) => asDeleted(m, event.createdAt));
      replies = updateMessage(replies, event.data.messageId, (m) => asDeleted(m, event.createdAt));
      break;
    case 'reaction.added':
    case 'reaction.removed': {
      const { messageId, emoji, userId } = event.data;
      const present = event.type === 'reaction.added';
      onRoot(messageId, (m) => withReaction(m, emoji, userId, present));
      replies = updateMessage(replies, messageId, (m) => withReaction(m, emoji, userId, present));
      break;
    }
  }
  return { root, replies };
}
