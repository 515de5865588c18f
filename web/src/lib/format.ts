// Small display helpers shared by the views.

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
});

/** "14:05" today, "Tue, Mar 4 14:05" on other days. */
export function formatTime(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay ? timeFormat.format(at) : `${dayFormat.format(at)} ${timeFormat.format(at)}`;
}

/** The full date and time, for a `title` or `dateTime` attribute. */
export function formatFullTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** Splits text into plain runs and links (http/https only) for rendering as text and anchors. */
export function splitLinks(text: string): { text: string; href?: string }[] {
  const parts: { text: string; href?: string }[] = [];
  const pattern = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], href: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** "ann is typing…", "ann and bob are typing…", "3 people are typing…". */
export function describeTyping(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** "1 result for “x”", "12 results for “x”", "10,000+ results for “x”" for a bounded count. */
export function describeSearchTotal(total: number, exact: boolean, query: string): string {
  const count = `${total.toLocaleString('en')}${exact ? '' : '+'}`;
  return `${count} ${total === 1 && exact ? 'result' : 'results'} for “${query}”`;
}
