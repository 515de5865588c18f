import type { MessageView, StekClient } from '../../../src/client/index.ts';
import type { StoreCore } from './store-core.ts';
import { upsertMessages } from './timeline.ts';

export interface ThreadOpenerDeps {
  client: StekClient;
  core: StoreCore;
  fail: (action: string, error: unknown) => void;
}

/**
 * Opening a thread of the active channel: its root and every reply (a page at a time), keeping
 * replies that arrive live while the pages load.
 */
export function createThreadOpener(deps: ThreadOpenerDeps) {
  const { client, core } = deps;
  return async function openThread(rootId: string, focusMessageId: string | null = null) {
    const channelId = core.state.activeId;
    if (!channelId) return;
    core.set({
      thread: { rootId, channelId, root: null, replies: [], loading: true },
      focusMessageId: focusMessageId ?? core.state.focusMessageId,
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
      const current = core.state.thread;
      if (current?.rootId !== rootId) return;
      // Replies that arrived live while the pages loaded are kept.
      core.set({
        thread: {
          ...current,
          root,
          replies: upsertMessages(replies, current.replies),
          loading: false,
        },
      });
    } catch (error) {
      core.set({ thread: null });
      deps.fail('Could not open the thread', error);
    }
  };
}
