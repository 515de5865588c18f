// The shapes the API returns, as the client sees them. Type-only imports: nothing of the server
// is bundled into a browser build.
import type { ChannelEvent } from '../chat/events.ts';
import type { ChannelView, MessageView, UserView } from '../chat/views.ts';

export type { ChannelEvent, ChannelView, MessageView, UserView };

export interface ChannelListItem extends ChannelView {
  isMember: boolean;
  lastReadSeq: number;
  unreadCount: number;
}

export interface MessagePage {
  messages: MessageView[];
  hasMore: boolean;
}

export interface ThreadPage extends MessagePage {
  root: MessageView;
}

export interface EventPage {
  events: ChannelEvent[];
  headSeq: number;
  hasMore: boolean;
}

export interface TokenView {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  revoked: boolean;
}

export interface IssuedToken extends TokenView {
  token: string;
}

export interface RealtimeTicket {
  host: string;
  party: string;
  room: string;
  ticket: string;
  expiresAt: string;
  /** The channel's head seq when the ticket was issued: a connection must catch up to it. */
  headSeq: number;
}

export interface PageQuery {
  before?: number;
  after?: number;
  limit?: number;
}

export interface SearchQuery {
  /** The query (syntax: docs/search.md). */
  q: string;
  sort?: 'relevance' | 'newest';
  cursor?: string;
  limit?: number;
}

export interface SearchNamed {
  id: string;
  name: string;
}

export interface SearchResult {
  results: {
    message: Pick<
      MessageView,
      'id' | 'channelId' | 'seq' | 'authorId' | 'text' | 'createdAt' | 'threadId'
    >;
    channel: SearchNamed;
    author: SearchNamed;
    /** HTML: escaped text with the hits in `<mark>`. */
    snippet: string;
  }[];
  /** How many messages match; at least this many when `totalIsExact` is false. */
  total: number;
  /** False for a broad search, whose matches are counted exactly only up to a bound. */
  totalIsExact: boolean;
  nextCursor: string | null;
  /** Whether `facets` were counted (the first page of a search with an exact, bounded total). */
  facetsCounted: boolean;
  facets: {
    channels: (SearchNamed & { count: number })[];
    authors: (SearchNamed & { count: number })[];
  };
}
