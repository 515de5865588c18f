// Search snippets arrive as HTML: the message text escaped, with hits wrapped in <mark>. They are
// turned into plain segments here so the page renders them as text nodes, never as markup.

/** A piece of a snippet: text to show, marked when it matched the query. */
export interface SnippetSegment {
  text: string;
  marked: boolean;
}

const entities: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
  '&#x2F;': '/',
};

/** Undoes HTML escaping; an unknown entity stays as written. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27|#x2F);/g, (entity) => entities[entity]!);
}

/**
 * Splits a snippet into segments. Only `<mark>` and `</mark>` are treated as markup; any other
 * `<` cannot occur in escaped text, and if one does it is shown as text.
 */
export function parseSnippet(snippet: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  let marked = false;
  for (const part of snippet.split(/(<\/?mark>)/)) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) segments.push({ text: unescapeHtml(part), marked });
  }
  return segments;
}
