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
