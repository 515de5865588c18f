import { invalid } from '../lib/errors.ts';

/** User and channel names: lowercase letters, digits, dot, underscore, hyphen; 1–80 of them. */
export const namePattern = /^[a-z0-9._-]{1,80}$/;

export const maxMessageLength = 40_000;

// Characters that take no space: text of only these (and white space) shows as nothing.
const invisible = /[\u200B-\u200D\u2060\uFEFF]/g;
// A surrogate without its other half, which the database would store as U+FFFD.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Message text is trimmed, and a lone surrogate becomes U+FFFD (as it would in storage, so the
 * answer, the live event and the history all carry the same text); what remains must be
 * 1–40,000 characters, not all of them invisible.
 */
export function normalizeText(text: string, field = 'text'): string {
  const trimmed = text.trim().replace(loneSurrogate, '\uFFFD');
  if (trimmed.replace(invisible, '').trim().length === 0) {
    throw invalid(`${field} must not be empty`, { field });
  }
  if (trimmed.length > maxMessageLength) {
    throw invalid(`${field} must be at most ${maxMessageLength} characters`, { field });
  }
  return trimmed;
}

export function checkName(name: string, field = 'name'): string {
  if (!namePattern.test(name)) {
    throw invalid(`${field} must be 1–80 characters of a-z, 0-9, '.', '_' or '-'`, { field });
  }
  return name;
}

/** Emoji names as in `:thumbsup:` shortcodes, or the emoji characters themselves. */
export function checkEmoji(emoji: string): string {
  const value = emoji.trim();
  if (value.length === 0 || value.length > 64 || /[\s/:]/.test(value)) {
    throw invalid('emoji must be a shortcode or emoji of 1–64 characters', { field: 'emoji' });
  }
  return value;
}
