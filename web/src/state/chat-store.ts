// The app's state and every action that changes it. Views read one immutable snapshot and call
// actions; the store talks to the API through the typed client and keeps one live connection, to
// the channel on screen.
import type {
  ChannelConnection,
  ChannelEvent,
  ChannelListItem,
  ConnectionState,
  MessageView,
  StekClient,
  UserView,
} from '../../../src/client/index.ts';
import { createClientMsgId } from '../lib/ids.ts';
import { createSearchActions, type SearchState } from './search-actions.ts';
import {
  applyToChannelList,
  applyToThread,
  asDeleted,
  upsertMessages,
  withReaction,
} from './timeline.ts';

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

export type ChatStore = ReturnType<typeof createChatStore>;

const pageSize = 50;
const typingShownMs = 4_000;
const channelRefreshMs = 15_000;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The store for one signed-in user. Call `start()` once, `stop()` when signing out. */
export function createChatStore(client: StekClient, me: UserView) {
  let state: ChatState = {
    me,
    users: { [me.id]: me },
    channels: [],
    dmNames: {},
    activeId: null,
    timelines: {},
    pending: [],
    thread: null,
    connection: { state: 'idle', wasOpen: false },
    present: [],
    typing: {},
    focusMessageId: null,
    editingId: null,
    search: null,
    notice: null,
  };
  const listeners = new Set<() => void>();
  let connection: ChannelConnection | null = null;
  let refreshTimer: ReturnType<typeof setInterval> | undefined;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let markingRead = false;
  let markAgain = false;

  function set(patch: Partial<ChatState>) {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  }

  function setTimeline(channelId: string, patch: Partial<Timeline>) {
    const current = state.timelines[channelId] ?? {
      messages: [],
      hasOlder: false,
      hasNewer: false,
      loading: null,
      cursor: 0,
    };
    set({ timelines: { ...state.timelines, [channelId]: { ...current, ...patch } } });
  }

  function fail(action: string, error: unknown) {
    set({ notice: `${action}: ${describe(error)}` });
  }

  async function refreshUsers() {
    const users = await client.listUsers();
    set({ users: Object.fromEntries(users.map((u) => [u.id, u])) });
  }

  async function refreshChannels() {
    const channels = await client.listChannels();
    set({ channels });
    const unnamed = channels.filter((c) => c.kind === 'dm' && !(c.id in state.dmNames));
    for (const dm of unnamed) {
      const members = await client.listMembers(dm.id);
      const others = members.filter((m) => m.id !== me.id).map((m) => m.displayName || m.name);
      set({ dmNames: { ...state.dmNames, [dm.id]: others.join(', ') || `${me.name} (you)` } });
    }
  }

  function refreshQuietly() {
    refreshChannels().catch(() => undefined); // The next tick tries again; the list just waits.
  }

  // ---- live connection -------------------------------------------------------------------

  function handleEvent(channelId: string, event: ChannelEvent) {
    const timeline = state.timelines[channelId];
    if (timeline) {
      setTimeline(channelId, {
        messages: applyToChannelList(timeline.messages, event, { appendNew: !timeline.hasNewer }),
        cursor: event.seq,
      });
    }
    const thread = state.thread;
    if (thread && thread.channelId === channelId) {
      set({ thread: { ...thread, ...applyToThread(thread, event) } });
    }
    if (event.type === 'message.created') {
      const message = event.data.message;
      if (message.clientMsgId && message.authorId === me.id) dropPending(message.clientMsgId);
      if (!state.users[message.authorId]) refreshUsers().catch(() => undefined);
      if (message.authorId !== me.id) clearTyping(message.authorId);
    }
    if (event.type === 'channel.updated') {
      const updated = event.data.channel;
      set({
        channels: state.channels.map((c) => (c.id === updated.id ? { ...c, ...updated } : c)),
      });
    }
    if (event.type === 'member.left' && event.data.userId === me.id) refreshQuietly();
  }

  function clearTyping(userId: string) {
    if (!(userId in state.typing)) return;
    const typing = { ...state.typing };
    delete typing[userId];
    set({ typing });
  }

  function sweepTyping() {
    const now = Date.now();
    const typing = Object.fromEntries(Object.entries(state.typing).filter(([, t]) => t > now));
    set({ typing });
    const next = Math.min(...Object.values(typing));
    clearTimeout(typingTimer);
    if (Number.isFinite(next)) typingTimer = setTimeout(sweepTyping, next - now + 10);
  }

  function connect(channelId: string, after: number) {
    const previous = connection;
    connection = null;
    previous?.close();
    const opened = client.connect(channelId, {
      after,
      maxReconnectDelayMs: 4_000,
      onEvent: (event) => handleEvent(channelId, event),
      onPresence: (change) => {
        if (connection === opened) set({ present: change.present });
      },
      onTyping: (userId) => {
        if (connection !== opened) return;
        set({ typing: { ...state.typing, [userId]: Date.now() + typingShownMs } });
        sweepTyping();
      },
      onState: (next, detail) => {
        if (connection !== opened) return;
        const wasOpen = state.connection.wasOpen || next === 'open';
        set({ connection: { state: next, reason: detail?.reason, wasOpen } });
        if (next === 'open') refreshQuietly();
      },
    });
    connection = opened;
    set({ connection: { state: 'connecting', wasOpen: false }, present: [], typing: {} });
  }

  // ---- channels and history --------------------------------------------------------------

  async function loadLatest(channelId: string) {
    setTimeline(channelId, { loading: 'initial' });
    const channel = await client.getChannel(channelId);
    const page = await client.listMessages(channelId, { limit: pageSize });
    setTimeline(channelId, {
      messages: upsertMessages([], page.messages),
      hasOlder: page.hasMore,
      hasNewer: false,
      loading: null,
      cursor: channel.headSeq,
    });
  }

  async function loadAround(channelId: string, seq: number) {
    setTimeline(channelId, { loading: 'initial' });
    const channel = await client.getChannel(channelId);
    const [older, newer] = await Promise.all([
      client.listMessages(channelId, { before: seq + 1, limit: pageSize / 2 }),
      client.listMessages(channelId, { after: seq, limit: pageSize / 2 }),
    ]);
    setTimeline(channelId, {
      messages: upsertMessages([], [...older.messages, ...newer.messages]),
      hasOlder: older.hasMore,
      hasNewer: newer.hasMore,
      loading: null,
      cursor: channel.headSeq,
    });
  }

  async function selectChannel(
    channelId: string,
    target?: { messageId: string; seq: number },
  ): Promise<void> {
    if (state.activeId && connection) setTimeline(state.activeId, { cursor: connection.lastSeq });
    const switching = state.activeId !== channelId;
    set({
      activeId: channelId,
      thread: switching ? null : state.thread,
      focusMessageId: target?.messageId ?? null,
    });
    try {
      const loaded = state.timelines[channelId];
      const shown = target && loaded?.messages.some((m) => m.id === target.messageId);
      if (target && !shown) await loadAround(channelId, target.seq);
      else if (!loaded || loaded.loading === 'initial') await loadLatest(channelId);
      if (switching || !connection || connection.state === 'closed') {
        connect(channelId, state.timelines[channelId]!.cursor);
      }
    } catch (error) {
      setTimeline(channelId, { loading: null });
      fail('Could not open the channel', error);
    }
  }

  async function loadOlder() {
    const channelId = state.activeId;
    const timeline = channelId ? state.timelines[channelId] : undefined;
    if (!channelId || !timeline || !timeline.hasOlder || timeline.loading) return;
    setTimeline(channelId, { loading: 'older' });
    try {
      const before = timeline.messages[0]?.seq;
      const page = await client.listMessages(channelId, { before, limit: pageSize });
      const current = state.timelines[channelId]!;
      setTimeline(channelId, {
        messages: upsertMessages(current.messages, page.messages),
        hasOlder: page.hasMore,
        loading: null,
      });
    } catch (error) {
      setTimeline(channelId, { loading: null });
      fail('Could not load older messages', error);
    }
  }

  async function loadNewer() {
    const channelId = state.activeId;
    const timeline = channelId ? state.timelines[channelId] : undefined;
    if (!channelId || !timeline || !timeline.hasNewer || timeline.loading) return;
    setTimeline(channelId, { loading: 'newer' });
    try {
      const after = timeline.messages.at(-1)?.seq ?? 0;
      const page = await client.listMessages(channelId, { after, limit: pageSize });
      const current = state.timelines[channelId]!;
      setTimeline(channelId, {
        messages: upsertMessages(current.messages, page.messages),
        hasNewer: page.hasMore,
        loading: null,
      });
    } catch (error) {
      setTimeline(channelId, { loading: null });
      fail('Could not load newer messages', error);
    }
  }

  async function markRead(): Promise<void> {
    const channelId = state.activeId;
    const channel = state.channels.find((c) => c.id === channelId);
    const timeline = channelId ? state.timelines[channelId] : undefined;
    if (!channelId || !channel?.isMember || !timeline || timeline.loading === 'initial') return;
    if (markingRead) {
      markAgain = true;
      return;
    }
    const seq = Math.max(
      connection?.channelId === channelId ? connection.lastSeq : 0,
      timeline.cursor,
    );
    if (seq <= channel.lastReadSeq && channel.unreadCount === 0) return;
    markingRead = true;
    try {
      const { lastReadSeq } = await client.markRead(channelId, seq);
      set({
        channels: state.channels.map((c) =>
          c.id === channelId ? { ...c, lastReadSeq, unreadCount: 0 } : c,
        ),
      });
    } catch {
      // A missed read marker only leaves a badge up; the next view of the channel retries.
    } finally {
      markingRead = false;
    }
    if (markAgain) {
      markAgain = false;
      await markRead();
    }
  }

  // ---- writing ---------------------------------------------------------------------------

  function dropPending(clientMsgId: string) {
    if (state.pending.some((p) => p.clientMsgId === clientMsgId)) {
      set({ pending: state.pending.filter((p) => p.clientMsgId !== clientMsgId) });
    }
  }

  function setPending(clientMsgId: string, patch: Partial<PendingMessage>) {
    set({
      pending: state.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...patch } : p)),
    });
  }

  /** Puts a confirmed message where it belongs: the channel list or the open thread. */
  function placeMessage(message: MessageView) {
    if (!message.threadId) {
      const timeline = state.timelines[message.channelId];
      if (timeline && !timeline.hasNewer) {
        setTimeline(message.channelId, { messages: upsertMessages(timeline.messages, [message]) });
      }
    }
    const thread = state.thread;
    if (thread && message.threadId === thread.rootId) {
      set({ thread: { ...thread, replies: upsertMessages(thread.replies, [message]) } });
    }
    replaceEverywhere(message);
  }

  /** Replaces a message wherever it is shown (after an edit, a reaction, a delete). */
  function replaceEverywhere(message: MessageView) {
    const timeline = state.timelines[message.channelId];
    if (timeline?.messages.some((m) => m.id === message.id)) {
      setTimeline(message.channelId, {
        messages: timeline.messages.map((m) => (m.id === message.id ? message : m)),
      });
    }
    const thread = state.thread;
    if (thread) {
      set({
        thread: {
          ...thread,
          root: thread.root?.id === message.id ? message : thread.root,
          replies: thread.replies.map((m) => (m.id === message.id ? message : m)),
        },
      });
    }
  }

  async function deliver(pending: PendingMessage) {
    try {
      const message = await client.postMessage(pending.channelId, {
        text: pending.text,
        threadId: pending.threadId ?? undefined,
        clientMsgId: pending.clientMsgId,
      });
      dropPending(pending.clientMsgId);
      placeMessage(message);
    } catch (error) {
      setPending(pending.clientMsgId, { status: 'failed', error: describe(error) });
    }
  }

  async function send(text: string, threadId: string | null = null) {
    const channelId = state.activeId;
    if (!channelId || !text.trim()) return;
    if (!threadId && state.timelines[channelId]?.hasNewer) await loadLatest(channelId);
    const pending: PendingMessage = {
      clientMsgId: createClientMsgId(),
      channelId,
      threadId,
      text,
      status: 'sending',
      createdAt: new Date().toISOString(),
    };
    set({ pending: [...state.pending, pending] });
    await deliver(pending);
  }

  async function retry(clientMsgId: string) {
    const pending = state.pending.find((p) => p.clientMsgId === clientMsgId);
    if (!pending || pending.status === 'sending') return;
    setPending(clientMsgId, { status: 'sending', error: undefined });
    // The same clientMsgId: if the first attempt did reach the API, this returns that message.
    await deliver({ ...pending, status: 'sending' });
  }

  async function edit(messageId: string, text: string) {
    set({ editingId: null });
    try {
      replaceEverywhere(await client.editMessage(messageId, text));
    } catch (error) {
      fail('Could not edit the message', error);
    }
  }

  async function remove(messageId: string) {
    try {
      const message = await client.deleteMessage(messageId);
      replaceEverywhere(asDeleted(message, message.deletedAt ?? new Date().toISOString()));
    } catch (error) {
      fail('Could not delete the message', error);
    }
  }

  async function toggleReaction(message: MessageView, emoji: string) {
    const mine = message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(me.id));
    replaceEverywhere(withReaction(message, emoji, me.id, !mine));
    try {
      const updated = mine
        ? await client.removeReaction(message.id, emoji)
        : await client.addReaction(message.id, emoji);
      replaceEverywhere(updated);
    } catch (error) {
      replaceEverywhere(message);
      fail('Could not react', error);
    }
  }

  // ---- threads ---------------------------------------------------------------------------

  async function openThread(rootId: string, focusMessageId: string | null = null) {
    const channelId = state.activeId;
    if (!channelId) return;
    set({
      thread: { rootId, channelId, root: null, replies: [], loading: true },
      focusMessageId: focusMessageId ?? state.focusMessageId,
    });
    try {
      let after: number | undefined;
      let replies: MessageView[] = [];
      let root: MessageView | null = null;
      for (let page = 0; page < 10; page += 1) {
        const result = await client.listReplies(rootId, { after, limit: 200 });
        root = result.root;
        replies = upsertMessages(replies, result.messages);
        if (!result.hasMore) break;
        after = replies.at(-1)?.seq;
      }
      const current = state.thread;
      if (current?.rootId !== rootId) return;
      // Replies that arrived live while the pages loaded are kept.
      set({
        thread: {
          ...current,
          root,
          replies: upsertMessages(replies, current.replies),
          loading: false,
        },
      });
    } catch (error) {
      set({ thread: null });
      fail('Could not open the thread', error);
    }
  }

  // ---- channels --------------------------------------------------------------------------

  async function joinChannel(channelId: string) {
    try {
      await client.joinChannel(channelId);
      await refreshChannels();
      await selectChannel(channelId);
    } catch (error) {
      fail('Could not join', error);
    }
  }

  async function createChannel(input: { name: string; topic?: string; isPrivate?: boolean }) {
    const channel = await client.createChannel(input);
    await refreshChannels();
    await selectChannel(channel.id);
  }

  async function openDm(userIds: string[]) {
    const channel = await client.openDm(userIds);
    await refreshChannels();
    await selectChannel(channel.id);
  }

  async function createUser(name: string) {
    const { user, token } = await client.createUser({ name });
    await refreshUsers();
    return { user, token: token.token };
  }

  const searchActions = createSearchActions({
    client,
    getState: () => state.search,
    setState: (search) => set({ search }),
  });

  async function jumpToMessage(hit: {
    channelId: string;
    messageId: string;
    seq: number;
    threadId: string | null;
  }) {
    set({ search: state.search ? { ...state.search, open: false } : null });
    if (!hit.threadId) {
      await selectChannel(hit.channelId, { messageId: hit.messageId, seq: hit.seq });
      return;
    }
    const root = await client.getMessage(hit.threadId).catch(() => null);
    await selectChannel(hit.channelId, root ? { messageId: root.id, seq: root.seq } : undefined);
    await openThread(hit.threadId, hit.messageId);
  }

  return {
    getState: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      await Promise.all([refreshUsers(), refreshChannels()]);
      refreshTimer = setInterval(refreshQuietly, channelRefreshMs);
      // Unread counts of the other channels come from the list: fetch it when the tab comes back.
      window.addEventListener('focus', refreshQuietly);
    },
    stop() {
      window.removeEventListener('focus', refreshQuietly);
      clearInterval(refreshTimer);
      clearTimeout(typingTimer);
      connection?.close();
      connection = null;
    },
    refreshChannels: refreshQuietly,
    selectChannel,
    loadOlder,
    loadNewer,
    async showLatest() {
      const channelId = state.activeId;
      if (!channelId) return;
      await loadLatest(channelId).catch((error) => fail('Could not load the channel', error));
    },
    markRead,
    send,
    retry,
    discard: dropPending,
    edit,
    remove,
    toggleReaction,
    openThread,
    closeThread: () => set({ thread: null }),
    joinChannel,
    createChannel,
    openDm,
    createUser,
    jumpToMessage,
    ...searchActions,
    sendTyping: () => connection?.sendTyping() ?? false,
    reconnect: () => connection?.reconnect(),
    /** Done scrolling to `messageId`; a newer target set meanwhile stays. */
    clearFocus: (messageId: string) => {
      if (state.focusMessageId === messageId) set({ focusMessageId: null });
    },
    startEdit: (messageId: string) => set({ editingId: messageId }),
    stopEdit: () => set({ editingId: null }),
    dismissNotice: () => set({ notice: null }),
  };
}
