import type { RequestFn } from './http.ts';
import type {
  ChannelListItem,
  ChannelView,
  EventPage,
  IssuedToken,
  MessagePage,
  MessageView,
  PageQuery,
  RealtimeTicket,
  SearchQuery,
  SearchResult,
  ThreadPage,
  TokenView,
  UserView,
} from './types.ts';

const id = encodeURIComponent;

/** Typed methods for the API's routes, one per route. */
export function createRestApi(request: RequestFn) {
  return {
    me: () => request<UserView>('/me'),
    listUsers: async () => (await request<{ users: UserView[] }>('/users')).users,
    createUser: (input: { name: string; displayName?: string; isAdmin?: boolean }) =>
      request<{ user: UserView; token: IssuedToken }>('/users', { method: 'POST', body: input }),
    deactivateUser: (userId: string) =>
      request<UserView>(`/users/${id(userId)}/deactivate`, { method: 'POST' }),
    listTokens: async () => (await request<{ tokens: TokenView[] }>('/me/tokens')).tokens,
    createToken: (name?: string) =>
      request<IssuedToken>('/me/tokens', { method: 'POST', body: { name } }),
    revokeToken: (tokenId: string) =>
      request<TokenView>(`/me/tokens/${id(tokenId)}`, { method: 'DELETE' }),

    listChannels: async () =>
      (await request<{ channels: ChannelListItem[] }>('/channels')).channels,
    createChannel: (input: { name: string; topic?: string; isPrivate?: boolean }) =>
      request<ChannelView>('/channels', { method: 'POST', body: input }),
    getChannel: (channelId: string) =>
      request<ChannelView & { isMember: boolean }>(`/channels/${id(channelId)}`),
    updateChannel: (
      channelId: string,
      patch: { name?: string; topic?: string; archived?: boolean },
    ) => request<ChannelView>(`/channels/${id(channelId)}`, { method: 'PATCH', body: patch }),
    archiveChannel: (channelId: string) =>
      request<ChannelView>(`/channels/${id(channelId)}/archive`, { method: 'POST' }),
    joinChannel: (channelId: string) =>
      request<{ ok: true }>(`/channels/${id(channelId)}/join`, { method: 'POST' }),
    leaveChannel: (channelId: string) =>
      request<{ ok: true }>(`/channels/${id(channelId)}/leave`, { method: 'POST' }),
    listMembers: async (channelId: string) =>
      (await request<{ members: UserView[] }>(`/channels/${id(channelId)}/members`)).members,
    addMember: (channelId: string, userId: string) =>
      request<{ ok: true }>(`/channels/${id(channelId)}/members`, {
        method: 'POST',
        body: { userId },
      }),
    removeMember: (channelId: string, userId: string) =>
      request<{ ok: true }>(`/channels/${id(channelId)}/members/${id(userId)}`, {
        method: 'DELETE',
      }),
    markRead: (channelId: string, seq: number) =>
      request<{ lastReadSeq: number }>(`/channels/${id(channelId)}/read`, {
        method: 'POST',
        body: { seq },
      }),
    openDm: (userIds: string[]) =>
      request<ChannelView>('/dms', { method: 'POST', body: { userIds } }),

    postMessage: (
      channelId: string,
      input: { text: string; threadId?: string; clientMsgId?: string },
    ) =>
      request<MessageView>(`/channels/${id(channelId)}/messages`, { method: 'POST', body: input }),
    listMessages: (channelId: string, page: PageQuery = {}) =>
      request<MessagePage>(`/channels/${id(channelId)}/messages`, { query: { ...page } }),
    getMessage: (messageId: string) => request<MessageView>(`/messages/${id(messageId)}`),
    editMessage: (messageId: string, text: string) =>
      request<MessageView>(`/messages/${id(messageId)}`, { method: 'PATCH', body: { text } }),
    deleteMessage: (messageId: string) =>
      request<MessageView>(`/messages/${id(messageId)}`, { method: 'DELETE' }),
    listReplies: (messageId: string, page: PageQuery = {}) =>
      request<ThreadPage>(`/messages/${id(messageId)}/replies`, { query: { ...page } }),
    addReaction: (messageId: string, emoji: string) =>
      request<MessageView>(`/messages/${id(messageId)}/reactions/${id(emoji)}`, { method: 'PUT' }),
    removeReaction: (messageId: string, emoji: string) =>
      request<MessageView>(`/messages/${id(messageId)}/reactions/${id(emoji)}`, {
        method: 'DELETE',
      }),

    /** The channel's log after `after`: the REST half of gap-free delivery. */
    listEvents: (channelId: string, page: { after?: number; limit?: number } = {}) =>
      request<EventPage>(`/channels/${id(channelId)}/events`, { query: { ...page } }),

    search: (query: SearchQuery) => request<SearchResult>('/search', { query: { ...query } }),

    issueRealtimeTicket: (channelId: string) =>
      request<RealtimeTicket>('/realtime/tickets', { method: 'POST', body: { channelId } }),
  };
}

export type RestApi = ReturnType<typeof createRestApi>;
