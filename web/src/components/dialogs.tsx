// The sidebar's dialogs: create a channel, browse and join public ones, start a conversation.
import { useState } from 'preact/hooks';
import type { ChannelListItem, UserView } from '../../../src/client/index.ts';
import type { ChatState } from '../state/chat-store.ts';
import { Modal } from './modal.tsx';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function CreateChannelDialog(props: {
  onCreate: (input: { name: string; topic?: string; isPrivate?: boolean }) => Promise<void>;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title="Create a channel" onClose={props.onClose}>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await props.onCreate({ name, topic: topic || undefined, isPrivate });
            props.onClose();
          } catch (err) {
            setError(describe(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="new-channel-name">Name</label>
        <input
          id="new-channel-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value.toLowerCase())}
          pattern="[a-z0-9._\-]{1,80}"
          aria-describedby="new-channel-name-help"
          required
          autoFocus
        />
        <p id="new-channel-name-help" class="hint">
          Lower-case letters, digits, dots, dashes and underscores.
        </p>
        <label for="new-channel-topic">Topic (optional)</label>
        <input
          id="new-channel-topic"
          value={topic}
          maxLength={250}
          onInput={(e) => setTopic(e.currentTarget.value)}
        />
        <label class="checkbox">
          <input
            type="checkbox"
            checked={isPrivate}
            onChange={(e) => setPrivate(e.currentTarget.checked)}
          />
          Private: only people added can see it
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function BrowseChannelsDialog(props: {
  channels: ChannelListItem[];
  onJoin: (channelId: string) => Promise<void>;
  onClose: () => void;
}) {
  return (
    <Modal title="Browse channels" onClose={props.onClose}>
      {props.channels.length === 0 ? (
        <p>You are in every public channel.</p>
      ) : (
        <ul class="browse-list">
          {props.channels.map((c) => (
            <li key={c.id}>
              <div>
                <strong>#{c.name}</strong>
                {c.topic && <p class="hint">{c.topic}</p>}
              </div>
              <button
                type="button"
                class="primary"
                aria-label={`Join #${c.name}`}
                onClick={() => void props.onJoin(c.id)}
              >
                Join
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}

export function NewDmDialog(props: {
  state: ChatState;
  onOpen: (userIds: string[]) => Promise<void>;
  /** Admins only: create a person and show their first token. */
  onCreateUser?: (name: string) => Promise<{ user: UserView; token: string }>;
  onClose: () => void;
}) {
  const { state } = props;
  const [filter, setFilter] = useState('');
  const [newName, setNewName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const people = Object.values(state.users)
    .filter((u) => u.id !== state.me.id && !u.deactivated)
    .filter((u) => `${u.name} ${u.displayName}`.toLowerCase().includes(filter.toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Modal title="Direct message" onClose={props.onClose}>
      <label for="dm-filter">Find a person</label>
      <input
        id="dm-filter"
        type="search"
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
        autoFocus
      />
      <ul class="browse-list">
        {people.map((u) => (
          <li key={u.id}>
            <span>
              <strong>{u.displayName || u.name}</strong> <span class="hint">@{u.name}</span>
            </span>
            <button
              type="button"
              aria-label={`Message ${u.name}`}
              onClick={() => void props.onOpen([u.id]).catch((e) => setError(describe(e)))}
            >
              Message
            </button>
          </li>
        ))}
      </ul>
      {props.onCreateUser && (
        <form
          class="stack add-person"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              const result = await props.onCreateUser!(newName);
              setCreated({ name: result.user.name, token: result.token });
              setNewName('');
            } catch (err) {
              setError(describe(err));
            }
          }}
        >
          <label for="new-person">Add a person (admin)</label>
          <div class="row">
            <input
              id="new-person"
              value={newName}
              pattern="[a-z0-9._\-]{1,80}"
              onInput={(e) => setNewName(e.currentTarget.value.toLowerCase())}
              required
            />
            <button type="submit">Add</button>
          </div>
          {created && (
            <p class="token-box" role="status">
              Token for {created.name} (shown once): <code>{created.token}</code>
            </p>
          )}
        </form>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
