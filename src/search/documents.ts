import type { MessageView } from '../chat/views.ts';
import type { IndexDocument } from './contract.ts';

const linkPattern = /\b(?:https?:\/\/|www\.)\S/i;

/** Whether a message's text carries a link (what `has:link` finds). */
export function hasLink(text: string): boolean {
  return linkPattern.test(text);
}

/** System messages (joins, topic changes) are not searchable; user and bot messages are. */
export function isIndexable(message: Pick<MessageView, 'subtype' | 'deleted'>): boolean {
  return message.subtype !== 'system' && !message.deleted;
}

/**
 * The index document for one version of a message. `version` is the seq of the event that
 * produced this state; `isThread` can be forced for a root whose first reply just arrived.
 */
export function toIndexDocument(
  message: MessageView,
  version: number,
  isThread = message.threadId !== null || message.replyCount > 0,
): IndexDocument {
  return {
    id: message.id,
    channelId: message.channelId,
    authorId: message.authorId,
    threadId: message.threadId,
    seq: message.seq,
    isThread,
    hasLink: hasLink(message.text),
    createdAt: message.createdAt,
    text: message.text,
    version,
  };
}
