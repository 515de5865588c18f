// The app's state and every action that changes it. Views read one immutable snapshot and call
// actions; the store talks to the API through the typed client and keeps one live connection, to
// the channel on screen.
import type {
  ChannelConnection,
  ChannelEvent,
  StekClient,
  UserView,
} from '../../../src/client/index.ts';
import { createSearchActions } from './search-actions.ts';
import { createThreadOpener } from './thread-actions.ts';
import { createStoreCore } from './store-core.ts';
import { applyToChannelList, applyToThread, upsertMessages } from './timeline.ts';
import { createWriteActions } from './write-actions.ts';

export type { ChatState, ConnectionInfo, PendingMessage, ThreadState, Timeline } from './types.ts';

export type ChatStore = ReturnType<typeof createChatStore>;

const pageSize = 50;
const typingShownMs = 4_000;
const channelRefreshMs = 15_000;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The store for one signed-in user. Call `start()` once, `stop()` when signing out. */
export function createChatStore(client: StekClient, me: UserView) {
  const core = createStoreCore({
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
  });
  let connection: ChannelConnection | null = null;
  let refreshTimer: ReturnType<typeof setInterval> | undefined;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let markingRead = false;
  let markAgain = false;

  const { set, setTimeline } = core;

  function fail(action: string, error: unknown) {
    set({ notice: `${action}: ${describe(error)}` });
  }

  const writes = createWriteActions({ client, me, core, loadLatest, fail });
  const openThread = createThreadOpener({ client, core, fail });
  const { dropPending } = writes;

  async function refreshUsers() {
    const users = await client.listUsers();
    set({ users: Object.fromEntries(users.map((u) => [u.id, u])) });
  }

  // Refreshes overlap (a timer, focus, a channel just made); only the newest one may land, or a
  // slow older answer would drop a channel the user has just opened and unmount its composer.
  let refreshesStarted = 0;

  async function refreshChannels() {
    const ticket = ++refreshesStarted;
    const channels = await client.listChannels();
    if (ticket !== refreshesStarted) return;
    set({ channels });
    const unnamed = channels.filter((c) => c.kind === 'dm' && !(c.id in core.state.dmNames));
    for (const dm of unnamed) {
      const members = await client.listMembers(dm.id);
      const others = members.filter((m) => m.id !== me.id).map((m) => m.displayName || m.name);
      set({ dmNames: { ...core.state.dmNames, [dm.id]: others.join(', ') || `${me.name} (you)` } });
    }
  }

  function refreshQuietly() {
    refreshChannels().catch(() => undefined); // The next tick tries again; the list just waits.
  }

  // ---- live connection -------------------------------------------------------------------

  function handleEvent(channelId: string, event: ChannelEvent) {
    const timeline = core.state.timelines[channelId];
    if (timeline) {
      setTimeline(channelId, {
        messages: applyToChannelList(timeline.messages, event, { appendNew: !timeline.hasNewer }),
        cursor: event.seq,
      });
    }
    const thread = core.state.thread;
    if (thread && thread.channelId === channelId) {
      set({ thread: { ...thread, ...applyToThread(thread, event) } });
    }
    if (event.type === 'message.created') {
      const message = event.data.message;
      if (message.clientMsgId && message.authorId === me.id) dropPending(message.clientMsgId);
      if (!core.state.users[message.authorId]) refreshUsers().catch(() => undefined);
      if (message.authorId !== me.id) clearTyping(message.authorId);
    }
    if (event.type === 'channel.updated') {
      const updated = event.data.channel;
      set({
        channels: core.state.channels.map((c) => (c.id === updated.id ? { ...c, ...updated } : c)),
      });
    }
    if (event.type === 'member.left' && event.data.userId === me.id) refreshQuietly();
  }

  function clearTyping(userId: string) {
    if (!(userId in core.state.typing)) return;
    const typing = { ...core.state.typing };
    delete typing[userId];
    set({ typing });
  }

  function sweepTyping() {
    const now = Date.now();
    const typing = Object.fromEntries(Object.entries(core.state.typing).filter(([, t]) => t > now));
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
        set({ typing: { ...core.state.typing, [userId]: Date.now() + typingShownMs } });
        sweepTyping();
      },
      onState: (next, detail) => {
        if (connection !== opened) return;
        const wasOpen = core.state.connection.wasOpen || next === 'open';
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
    if (core.state.activeId && connection)
      setTimeline(core.state.activeId, { cursor: connection.lastSeq });
    const switching = core.state.activeId !== channelId;
    set({
      activeId: channelId,
      thread: switching ? null : core.state.thread,
      focusMessageId: target?.messageId ?? null,
    });
    try {
      const loaded = core.state.timelines[channelId];
      const shown = target && loaded?.messages.some((m) => m.id === target.messageId);
      if (target && !shown) await loadAround(channelId, target.seq);
      else if (!loaded || loaded.loading === 'initial') await loadLatest(channelId);
      if (switching || !connection || connection.state === 'closed') {
        connect(channelId, core.state.timelines[channelId]!.cursor);
      }
    } catch (error) {
      setTimeline(channelId, { loading: null });
      fail('Could not open the channel', error);
    }
  }

  async function loadOlder() {
    const channelId = core.state.activeId;
    const timeline = channelId ? core.state.timelines[channelId] : undefined;
    if (!channelId || !timeline || !timeline.hasOlder || timeline.loading) return;
    setTimeline(channelId, { loading: 'older' });
    try {
      const before = timeline.messages[0]?.seq;
      const page = await client.listMessages(channelId, { before, limit: pageSize });
      const current = core.state.timelines[channelId]!;
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
    const channelId = core.state.activeId;
    const timeline = channelId ? core.state.timelines[channelId] : undefined;
    if (!channelId || !timeline || !timeline.hasNewer || timeline.loading) return;
    setTimeline(channelId, { loading: 'newer' });
    try {
      const after = timeline.messages.at(-1)?.seq ?? 0;
      const page = await client.listMessages(channelId, { after, limit: pageSize });
      const current = core.state.timelines[channelId]!;
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
    const channelId = core.state.activeId;
    const channel = core.state.channels.find((c) => c.id === channelId);
    const timeline = channelId ? core.state.timelines[channelId] : undefined;
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
        channels: core.state.channels.map((c) =>
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

  // ---- threads ---------------------------------------------------------------------------

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
    getState: () => core.state.search,
    setState: (search) => set({ search }),
  });

  async function jumpToMessage(hit: {
    channelId: string;
    messageId: string;
    seq: number;
    threadId: string | null;
  }) {
    set({ search: core.state.search ? { ...core.state.search, open: false } : null });
    if (!hit.threadId) {
      await selectChannel(hit.channelId, { messageId: hit.messageId, seq: hit.seq });
      return;
    }
    const root = await client.getMessage(hit.threadId).catch(() => null);
    await selectChannel(hit.channelId, root ? { messageId: root.id, seq: root.seq } : undefined);
    await openThread(hit.threadId, hit.messageId);
  }

  return {
    getState: () => core.state,
    subscribe: core.subscribe,
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
      const channelId = core.state.activeId;
      if (!channelId) return;
      await loadLatest(channelId).catch((error) => fail('Could not load the channel', error));
    },
    markRead,
    send: writes.send,
    retry: writes.retry,
    discard: dropPending,
    edit: writes.edit,
    remove: writes.remove,
    toggleReaction: writes.toggleReaction,
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
      if (core.state.focusMessageId === messageId) set({ focusMessageId: null });
    },
    startEdit: (messageId: string) => set({ editingId: messageId }),
    stopEdit: () => set({ editingId: null }),
    dismissNotice: () => set({ notice: null }),
  };
}
