import { markEnd, markStart } from './contract.ts';

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => entities[ch]!);
}

/**
 * Renders a highlighted snippet as HTML: every piece of text is escaped, and the only markup is
 * `<mark>…</mark>` where the index marked a hit. Markers are read as toggles, so a stray marker
 * character in a message can at worst mark the wrong words, never produce unbalanced tags.
 */
export function renderSnippet(raw: string): string {
  let html = '';
  let open = false;
  let piece = '';
  const flush = () => {
    if (piece) html += open ? `<mark>${escapeHtml(piece)}</mark>` : escapeHtml(piece);
    piece = '';
  };
  for (const ch of raw) {
    if (ch === markStart || ch === markEnd) {
      flush();
      open = ch === markStart;
    } else piece += ch;
  }
  flush();
  return html;
}

/** A plain snippet for a result the index did not highlight (a filter-only query). */
export function renderPlainSnippet(text: string, maxLength = 200): string {
  const stripped = text.replace(/[\uE000\uE001]/g, '');
  const cut = stripped.length > maxLength ? `${stripped.slice(0, maxLength)}…` : stripped;
  return escapeHtml(cut);
}
