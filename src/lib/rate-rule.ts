import { z } from 'zod';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A rate-limit budget: `limit` requests per sliding window of `windowMs`. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/**
 * The configuration syntax for a budget, shared by every entry: `N/window` (`300/60s`, `5/1m`,
 * `10/500ms`; a bare window is in seconds), or `off` (parsed as null).
 */
export const RateRuleSchema = z
  .string()
  .regex(/^(off|[1-9]\d*\/[1-9]\d*(ms|s|m|h)?)$/, "must be 'N/window' like 300/60s, or 'off'")
  .transform((value): RateRule | null => {
    if (value === 'off') return null;
    const [limit, window] = value.split('/') as [string, string];
    const [, amount, unit] = /^(\d+)(ms|s|m|h)?$/.exec(window)!;
    return { limit: Number(limit), windowMs: Number(amount) * units[unit ?? 's']! };
  });

/** The budgets stek uses unless configured otherwise. */
export const defaultRateRules = {
  post: '300/60s',
  read: '1200/60s',
  search: '120/60s',
  auth: '30/60s',
} as const;
