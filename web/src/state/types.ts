// The shape of the app's state: one immutable snapshot the views render from.
import type {
  ChannelListItem,
  ConnectionState,
  MessageView,
  UserView,
} from '../../../src/client/index.ts';
import type { SearchState } from './search-actions.ts';

/** A message the caller wrote that the API has not confirmed yet, or refused. */
export interface PendingMessage {
  clientMsgId: string;
  channelId: string;
  threadId: string | null;
  text: string;
  status: 'sending' | 'failed';
  error?: string;
  createdAt: string;
}

/** One channel's loaded window of top-level messages. */
export interface Timeline {
  messages: MessageView[];
  hasOlder: boolean;
  /** Newer messages exist that are not loaded (after jumping to an old message). */
  hasNewer: boolean;
  loading: 'initial' | 'older' | 'newer' | null;
  /** The last event seq applied; a reconnection resumes after it. */
  cursor: number;
}

export interface ThreadState {
  rootId: string;
  channelId: string;
  root: MessageView | null;
  replies: MessageView[];
  loading: boolean;
}

export interface ConnectionInfo {
  state: ConnectionState | 'idle';
  reason?: string;
  /** Whether this connection was open once: a later drop shows the reconnect banner. */
  wasOpen: boolean;
}

export interface ChatState {
  me: UserView;
  users: Record<string, UserView>;
  channels: ChannelListItem[];
  /** Display names of direct conversations: the other people in them. */
  dmNames: Record<string, string>;
  activeId: string | null;
  timelines: Record<string, Timeline>;
  pending: PendingMessage[];
  thread: ThreadState | null;
  connection: ConnectionInfo;
  present: string[];
  /** Who is typing in the active channel, until when (ms). */
  typing: Record<string, number>;
  /** The message to scroll to and highlight once it is on screen. */
  focusMessageId: string | null;
  /** The message being edited in place, if any. */
  editingId: string | null;
  search: SearchState | null;
  notice: string | null;
}
