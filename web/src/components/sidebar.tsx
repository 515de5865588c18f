// Channels and direct conversations the caller is in, with unread badges, plus the ways to add
// more: create a channel, browse public ones, start a conversation.
import { useState } from 'preact/hooks';
import type { ChannelListItem } from '../../../src/client/index.ts';
import type { ChatState, ChatStore } from '../state/chat-store.ts';
import { BrowseChannelsDialog, CreateChannelDialog, NewDmDialog } from './dialogs.tsx';

export interface SidebarProps {
  store: ChatStore;
  state: ChatState;
  /** Called after picking a channel (closes the drawer on a phone). */
  onNavigate: () => void;
  onClose: () => void;
}

type Dialog = 'create' | 'browse' | 'dm' | null;

export function Sidebar({ store, state, onNavigate, onClose }: SidebarProps) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const members = state.channels.filter((c) => c.isMember);
  const channels = members.filter((c) => c.kind === 'channel' && !c.archived);
  const dms = members.filter((c) => c.kind === 'dm');
  const browsable = state.channels.filter((c) => !c.isMember && c.kind === 'channel');

  function open(channel: ChannelListItem) {
    void store.selectChannel(channel.id);
    onNavigate();
  }

  function item(channel: ChannelListItem, label: string, prefix: string) {
    const active = channel.id === state.activeId;
    const unread = active ? 0 : channel.unreadCount;
    return (
      <li key={channel.id}>
        <a
          href={`#${channel.id}`}
          class={`channel-link${active ? ' active' : ''}${unread ? ' unread' : ''}`}
          aria-current={active ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            open(channel);
          }}
        >
          <span class="channel-prefix" aria-hidden="true">
            {channel.isPrivate && channel.kind === 'channel' ? '🔒' : prefix}
          </span>
          <span class="channel-name">{label}</span>
          {unread > 0 && (
            <span class="badge" aria-label={`${unread} unread`}>
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </a>
      </li>
    );
  }

  return (
    <nav id="sidebar" class="sidebar" aria-label="Channels and direct messages">
      <div class="sidebar-head">
        <span class="workspace">stek</span>
        <button type="button" class="icon-button close-drawer" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      <section aria-labelledby="channels-heading">
        <div class="section-head">
          <h2 id="channels-heading">Channels</h2>
          <button
            type="button"
            class="icon-button"
            aria-label="Create a channel"
            title="Create a channel"
            onClick={() => setDialog('create')}
          >
            +
          </button>
        </div>
        <ul class="channel-list">{channels.map((c) => item(c, c.name, '#'))}</ul>
        <button type="button" class="link-button browse" onClick={() => setDialog('browse')}>
          Browse channels{browsable.length ? ` (${browsable.length})` : ''}
        </button>
      </section>
      <section aria-labelledby="dms-heading">
        <div class="section-head">
          <h2 id="dms-heading">Direct messages</h2>
          <button
            type="button"
            class="icon-button"
            aria-label="Start a direct conversation"
            title="Start a direct conversation"
            onClick={() => setDialog('dm')}
          >
            +
          </button>
        </div>
        <ul class="channel-list">{dms.map((c) => item(c, state.dmNames[c.id] ?? '…', '@'))}</ul>
      </section>
      {dialog === 'create' && (
        <CreateChannelDialog
          onCreate={async (input) => {
            await store.createChannel(input);
            onNavigate();
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'browse' && (
        <BrowseChannelsDialog
          channels={browsable}
          onJoin={async (id) => {
            await store.joinChannel(id);
            setDialog(null);
            onNavigate();
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'dm' && (
        <NewDmDialog
          state={state}
          onCreateUser={state.me.isAdmin ? store.createUser : undefined}
          onOpen={async (ids) => {
            await store.openDm(ids);
            setDialog(null);
            onNavigate();
          }}
          onClose={() => setDialog(null)}
        />
      )}
    </nav>
  );
}
