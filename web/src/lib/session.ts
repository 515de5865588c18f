// The signed-in token, kept in localStorage so a reload stays signed in.

const key = 'stek.token';

/** The stored token, or null. */
export function readStoredToken(): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // Storage disabled (private mode, policy): sign in again each visit.
  }
}

/** Stores the token, or forgets it with null. */
export function writeStoredToken(token: string | null): void {
  try {
    if (token === null) localStorage.removeItem(key);
    else localStorage.setItem(key, token);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

/**
 * A token handed over in the page's address as `#token=…` (the sign-in link `stek start` and
 * `stek user create` print on this machine), removed from the address at once. The fragment
 * never leaves the browser, so the token is not in any server's log.
 */
export function takeTokenFromLink(): string | null {
  const match = /^#token=(stek_[0-9a-f]+)$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return match[1]!;
}
