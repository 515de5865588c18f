// The messages a channel room and its clients exchange, as JSON text frames. Shared by the room,
// the publisher and the typed client; docs/realtime.md describes the same thing for people.
import type { ChannelEvent } from '../chat/events.ts';

export type { ChannelEvent };

/** Sent once, right after a socket is accepted. */
export interface HelloMessage {
  type: 'hello';
  room: string;
  userId: string;
  connectionId: string;
  /** The newest seq the room has seen (0 when it has seen none). */
  headSeq: number;
  /** The oldest seq the room can still replay; a resume from before it gets `catchup`. */
  oldestSeq: number;
  /** The users with at least one open socket in the room, the new one included. */
  present: string[];
}

export interface EventMessage {
  type: 'event';
  event: ChannelEvent;
}

/** Closes a `resume`: every buffered event after `after` was sent before this. */
export interface ResumedMessage {
  type: 'resumed';
  after: number;
  headSeq: number;
  replayed: number;
}

/** Answers a `resume` the room cannot serve from its buffer: read the log over REST instead. */
export interface CatchupMessage {
  type: 'catchup';
  after: number;
  headSeq: number;
}

export interface PresenceMessage {
  type: 'presence';
  action: 'join' | 'leave';
  userId: string;
}

export interface TypingMessage {
  type: 'typing';
  userId: string;
}

export interface ErrorMessage {
  type: 'error';
  code: RoomErrorCode;
  message: string;
}

export type RoomErrorCode =
  'bad_message' | 'unknown_type' | 'removed' | 'deactivated' | 'ticket_revoked';

export type ServerMessage =
  | HelloMessage
  | EventMessage
  | ResumedMessage
  | CatchupMessage
  | PresenceMessage
  | TypingMessage
  | ErrorMessage;

export type ClientMessage = { type: 'typing' } | { type: 'resume'; after: number };

/** Why the room closed a socket. A client must not reconnect on its own after any of these. */
export const closeCodes = {
  /** The user's account was deactivated. */
  deactivated: 4401,
  /** The user is no longer a member of the channel (or the API asked the room to drop them). */
  removed: 4403,
  /** The ticket was issued before the user was removed; ask the API for a new one. */
  ticketRevoked: 4409,
} as const;

/** Whether a close code means "stay away" rather than "the network hiccuped". */
export function isFinalCloseCode(code: number): boolean {
  return code === closeCodes.deactivated || code === closeCodes.removed;
}

/** What the API POSTs to a room (signed, see request-signature.ts). */
export type RoomRequest =
  | { events: ChannelEvent[] }
  | { disconnect: { userIds: string[]; reason?: 'removed' | 'deactivated'; at?: number } };

/** The room's answer to a POST. */
export interface RoomResponse {
  ok: true;
  /** How many of the posted events were new to the room. */
  accepted: number;
  closed: number;
  headSeq: number;
}

/** The party every channel room lives in; rooms are at `/parties/main/<channelId>`. */
export const partyName = 'main';

/** The path of a channel's room on the PartyKit host. */
export function roomPath(channelId: string): string {
  return `/parties/${partyName}/${encodeURIComponent(channelId)}`;
}
