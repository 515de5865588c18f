import type { Context, Next } from 'hono';

/**
 * Runs the rest of the chain with `headers` on its response. They are set before the handler
 * runs, so the responses Hono builds (`c.json`, errors) carry them from the start: setting a
 * header on a finished response makes the runtime rebuild it, which on Node turns the cheap
 * string body into a web stream. A Response a handler built itself gets them afterwards.
 */
export async function nextWithHeaders(
  c: Context,
  next: Next,
  headers: Record<string, string>,
): Promise<void> {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  await next();
  const present = c.res.headers;
  for (const [name, value] of Object.entries(headers)) {
    if (present.get(name) !== value) c.header(name, value);
  }
}
