import type { ConnectionInfo } from '../state/chat-store.ts';

/**
 * Says when live updates stopped and what is happening about it. Nothing shows while the first
 * connection opens, nor while all is well.
 */
export function ConnectionBanner(props: { connection: ConnectionInfo; onReconnect: () => void }) {
  const { state, reason, wasOpen } = props.connection;
  let text: string | null = null;
  if (state === 'connecting' && wasOpen) text = 'Connection lost. Reconnecting…';
  else if (state === 'catching-up' && wasOpen) text = 'Reconnected. Catching up…';
  else if (state === 'closed') text = `Live updates stopped${reason ? ` (${reason})` : ''}.`;
  if (!text) return null;
  return (
    <div class={`banner banner-${state}`} role="status" data-connection={state}>
      <span>{text}</span>
      {state === 'closed' && (
        <button type="button" class="link-button" onClick={props.onReconnect}>
          Reconnect
        </button>
      )}
    </div>
  );
}
