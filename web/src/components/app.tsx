// Signs in with a token, then runs the chat for that user. The token stays in localStorage.
import { useEffect, useState } from 'preact/hooks';
import { createStekClient, StekApiError, type UserView } from '../../../src/client/index.ts';
import { readStoredToken, takeTokenFromLink, writeStoredToken } from '../lib/session.ts';
import { createChatStore, type ChatStore } from '../state/chat-store.ts';
import { ChatApp } from './chat-app.tsx';
import { SignIn } from './sign-in.tsx';

type Session =
  | { phase: 'signed-out'; error?: string }
  | { phase: 'checking' }
  | { phase: 'ready'; store: ChatStore; me: UserView };

/** Same-origin API: the page is served by the API itself (or by `vite` with a proxy). */
function createClient(token: string) {
  return createStekClient({ baseUrl: location.origin, token });
}

export function App() {
  const [linked] = useState(takeTokenFromLink);
  const [session, setSession] = useState<Session>(() =>
    linked || readStoredToken() ? { phase: 'checking' } : { phase: 'signed-out' },
  );

  async function signIn(token: string) {
    setSession({ phase: 'checking' });
    const client = createClient(token);
    try {
      const me = await client.me();
      const store = createChatStore(client, me);
      await store.start();
      writeStoredToken(token);
      setSession({ phase: 'ready', store, me });
    } catch (error) {
      const rejected = error instanceof StekApiError && error.status === 401;
      if (rejected) writeStoredToken(null);
      setSession({
        phase: 'signed-out',
        error: rejected
          ? 'That token was not accepted. Check it and try again.'
          : `Could not reach stek: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  function signOut() {
    if (session.phase === 'ready') session.store.stop();
    writeStoredToken(null);
    setSession({ phase: 'signed-out' });
  }

  useEffect(() => {
    const token = linked ?? readStoredToken();
    if (token) void signIn(token);
  }, []);

  if (session.phase === 'ready') return <ChatApp store={session.store} onSignOut={signOut} />;
  return (
    <SignIn
      busy={session.phase === 'checking'}
      error={session.phase === 'signed-out' ? session.error : undefined}
      onSubmit={signIn}
    />
  );
}
