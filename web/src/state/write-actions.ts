// Writing: optimistic sends with a client message id, retries, edits, deletes and reactions.
import type { MessageView, StekClient, UserView } from '../../../src/client/index.ts';
import { createClientMsgId } from '../lib/ids.ts';
import type { StoreCore } from './store-core.ts';
import { asDeleted, upsertMessages, withReaction } from './timeline.ts';
import type { PendingMessage } from './types.ts';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface WriteActionsDeps {
  client: StekClient;
  me: UserView;
  core: StoreCore;
  /** Reloads a channel's newest page (a send must not land after a gap). */
  loadLatest: (channelId: string) => Promise<void>;
  /** Shows a failure to the person. */
  fail: (action: string, error: unknown) => void;
}

/** The write actions, over the shared store. */
export function createWriteActions(deps: WriteActionsDeps) {
  const { client, me, core } = deps;

  function dropPending(clientMsgId: string) {
    if (core.state.pending.some((p) => p.clientMsgId === clientMsgId)) {
      core.set({ pending: core.state.pending.filter((p) => p.clientMsgId !== clientMsgId) });
    }
  }

  function setPending(clientMsgId: string, patch: Partial<PendingMessage>) {
    core.set({
      pending: core.state.pending.map((p) =>
        p.clientMsgId === clientMsgId ? { ...p, ...patch } : p,
      ),
    });
  }

  /** Puts a confirmed message where it belongs: the channel list or the open thread. */
  function placeMessage(message: MessageView) {
    if (!message.threadId) {
      const timeline = core.state.timelines[message.channelId];
      if (timeline && !timeline.hasNewer) {
        core.setTimeline(message.channelId, {
          messages: upsertMessages(timeline.messages, [message]),
        });
      }
    }
    const thread = core.state.thread;
    if (thread && message.threadId === thread.rootId) {
      core.set({ thread: { ...thread, replies: upsertMessages(thread.replies, [message]) } });
    }
    replaceEverywhere(message);
  }

  /** Replaces a message wherever it is shown (after an edit, a reaction, a delete). */
  function replaceEverywhere(message: MessageView) {
    const timeline = core.state.timelines[message.channelId];
    if (timeline?.messages.some((m) => m.id === message.id)) {
      core.setTimeline(message.channelId, {
        messages: timeline.messages.map((m) => (m.id === message.id ? message : m)),
      });
    }
    const thread = core.state.thread;
    if (thread) {
      core.set({
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
    const channelId = core.state.activeId;
    if (!channelId || !text.trim()) return;
    if (!threadId && core.state.timelines[channelId]?.hasNewer) {
      // Back to the newest page so the message shows where it lands; failing that, send anyway.
      await deps.loadLatest(channelId).catch(() => undefined);
    }
    const pending: PendingMessage = {
      clientMsgId: createClientMsgId(),
      channelId,
      threadId,
      text,
      status: 'sending',
      createdAt: new Date().toISOString(),
    };
    core.set({ pending: [...core.state.pending, pending] });
    await deliver(pending);
  }

  async function retry(clientMsgId: string) {
    const pending = core.state.pending.find((p) => p.clientMsgId === clientMsgId);
    if (!pending || pending.status === 'sending') return;
    setPending(clientMsgId, { status: 'sending', error: undefined });
    // The same clientMsgId: if the first attempt did reach the API, this returns that message.
    await deliver({ ...pending, status: 'sending' });
  }

  async function edit(messageId: string, text: string) {
    core.set({ editingId: null });
    try {
      replaceEverywhere(await client.editMessage(messageId, text));
    } catch (error) {
      deps.fail('Could not edit the message', error);
    }
  }

  async function remove(messageId: string) {
    try {
      const message = await client.deleteMessage(messageId);
      replaceEverywhere(asDeleted(message, message.deletedAt ?? new Date().toISOString()));
    } catch (error) {
      deps.fail('Could not delete the message', error);
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
      deps.fail('Could not react', error);
    }
  }

  return {
    dropPending,
    placeMessage,
    replaceEverywhere,
    send,
    retry,
    edit,
    remove,
    toggleReaction,
  };
}
