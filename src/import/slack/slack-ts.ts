/**
 * A Slack timestamp ("seconds.micros"), kept as two integers: as a float the micros would be
 * rounded away, and two messages a microsecond apart would sort as equal.
 */
export interface SlackTs {
  seconds: number;
  micros: number;
  /** The canonical text, micros padded to six digits: the key for threads and client ids. */
  key: string;
}

const tsPattern = /^(\d{1,12})(?:\.(\d{1,6}))?$/;

/** Parses a Slack ts; `null` when it is not one. */
export function parseTs(raw: string): SlackTs | null {
  const match = tsPattern.exec(raw.trim());
  if (!match) return null;
  const seconds = Number(match[1]);
  const micros = Number((match[2] ?? '').padEnd(6, '0'));
  return { seconds, micros, key: `${seconds}.${String(micros).padStart(6, '0')}` };
}

export function compareTs(a: SlackTs, b: SlackTs): number {
  return a.seconds - b.seconds || a.micros - b.micros;
}

/** Milliseconds since the epoch, the unit every stek timestamp uses. */
export function tsToMillis(ts: SlackTs): number {
  return ts.seconds * 1000 + Math.floor(ts.micros / 1000);
}

/** A ts text (as in `edited.ts`) to milliseconds; `null` when it is not a ts. */
export function tsTextToMillis(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const ts = parseTs(raw);
  return ts ? tsToMillis(ts) : null;
}
