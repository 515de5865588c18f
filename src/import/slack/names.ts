const maxNameLength = 80;

/**
 * Turns a Slack name into one stek accepts: lowercase `[a-z0-9._-]`, 1–80 characters. Accents
 * are dropped rather than replaced, so "José" becomes "jose"; anything else becomes a hyphen.
 */
export function toStekName(raw: string | undefined, fallback: string): string {
  const cleaned = (raw ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxNameLength);
  return (
    cleaned ||
    fallback
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .slice(0, maxNameLength)
  );
}

/** Returns `base`, or `base-2`, `base-3`… whichever is not taken, and marks it taken. */
export function pickUniqueName(base: string, taken: Set<string>): string {
  let candidate = base;
  for (let n = 2; taken.has(candidate); n += 1) {
    const suffix = `-${n}`;
    candidate = base.slice(0, maxNameLength - suffix.length) + suffix;
  }
  taken.add(candidate);
  return candidate;
}
