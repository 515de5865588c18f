import { useState } from 'preact/hooks';

export interface SignInProps {
  busy: boolean;
  error?: string;
  onSubmit: (token: string) => void;
}

/** The token form. On a machine running `npm start`, the admin token it printed works here. */
export function SignIn({ busy, error, onSubmit }: SignInProps) {
  const [token, setToken] = useState('');
  return (
    <main class="sign-in">
      <form
        class="sign-in-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) onSubmit(token.trim());
        }}
      >
        <h1>stek</h1>
        <p>Sign in with an API token.</p>
        <label for="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          placeholder="stek_…"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-describedby="token-help"
          aria-invalid={error ? true : undefined}
          required
          autoFocus
        />
        <p id="token-help" class="hint">
          Running stek locally? Paste the admin token <code>npm start</code> printed when it created
          the database. An admin can add people from the app or with{' '}
          <code>stek user create NAME</code>.
        </p>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
