import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import type { AppDeps, AppEnv, HealthCheck } from './env.ts';

async function runCheck(check: HealthCheck) {
  const started = performance.now();
  try {
    await check();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

/** `GET /health`: 200 when the database answers, with one entry per dependency. */
export function registerHealthRoute(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/health', async (c) => {
    const checks: Record<string, HealthCheck> = {
      database: () => deps.chat.db.read.get(sql`select 1`),
      ...deps.healthChecks,
    };
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!)));
    const report = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const databaseOk = report.database!.ok;
    const allOk = results.every((r) => r.ok);
    const status = !databaseOk ? 'down' : allOk ? 'ok' : 'degraded';
    return c.json({ status, checks: report }, databaseOk ? 200 : 503);
  });
}
