// The channel on screen: its header with who is here, the connection banner, the history, who is
// typing, and the composer (or a join button for a public channel the caller is not in).
import type { ChatState, ChatStore } from '../state/chat-store.ts';
import { describeTyping } from '../lib/format.ts';
import { Composer } from './composer.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { MessageList } from './message-list.tsx';

export interface ChannelViewProps {
  store: ChatStore;
  state: ChatState;
}

export function ChannelView({ store, state }: ChannelViewProps) {
  const channel = state.channels.find((c) => c.id === state.activeId);
  if (!channel) {
    return (
      <main class="channel empty-channel" id="main">
        <p>Pick a channel, or create one with + in the sidebar.</p>
      </main>
    );
  }
  const title =
    channel.kind === 'dm' ? (state.dmNames[channel.id] ?? 'Direct message') : channel.name;
  const label = channel.kind === 'dm' ? title : `#${title}`;
  const nameOf = (id: string) => state.users[id]?.displayName || state.users[id]?.name || 'someone';
  const others = state.present.filter((id) => id !== state.me.id);
  const typingNames = Object.keys(state.typing)
    .filter((id) => id !== state.me.id)
    .map(nameOf);
  const presentNames = state.present.map(nameOf).join(', ');

  return (
    <main class="channel" id="main" aria-labelledby="channel-title">
      <header class="channel-head">
        <div class="channel-title-block">
          <h1 id="channel-title">{label}</h1>
          {channel.topic && <p class="topic">{channel.topic}</p>}
        </div>
        <p
          class="presence"
          title={presentNames}
          aria-label={`Here now: ${presentNames || 'nobody'}`}
        >
          <span class={`dot${others.length ? ' on' : ''}`} aria-hidden="true" />
          {others.length === 0 ? 'only you here' : `${others.length + 1} here`}
        </p>
      </header>
      <ConnectionBanner connection={state.connection} onReconnect={store.reconnect} />
      <MessageList store={store} state={state} channelLabel={label} />
      <p class="typing" aria-live="polite">
        {describeTyping(typingNames)}
      </p>
      {channel.isMember ? (
        <Composer
          id="composer"
          label={`Message ${label}`}
          disabled={channel.archived}
          onSend={(text) => store.send(text)}
          onTyping={store.sendTyping}
          onEditLast={() => {
            const mine = state.timelines[channel.id]?.messages.filter(
              (m) => m.authorId === state.me.id && !m.deleted,
            );
            const last = mine?.at(-1);
            if (last) store.startEdit(last.id);
          }}
        />
      ) : (
        <div class="join-bar">
          <p>You are viewing #{channel.name}.</p>
          <button type="button" class="primary" onClick={() => void store.joinChannel(channel.id)}>
            Join #{channel.name}
          </button>
        </div>
      )}
    </main>
  );
}
