import { OriginConfigError, readOriginConfig } from './config.ts';
import { startSearchOrigin } from './server.ts';

/** `npx tsx origin-search/src/main.ts`: the search origin, configured from the environment. */
async function main(): Promise<void> {
  const config = readOriginConfig(process.env);
  const log =
    config.log === 'silent'
      ? undefined
      : (entry: Record<string, unknown>) =>
          process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  const origin = await startSearchOrigin({
    solrUrl: config.solrUrl,
    solrCore: config.solrCore,
    secret: config.secret,
    port: config.port,
    host: config.host,
    commitWithinMs: config.commitWithinMs,
    log,
  });
  process.stderr.write(`search origin listening on ${origin.url} (solr ${config.solrUrl})\n`);
  const shutdown = () => void origin.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof OriginConfigError ? 2 : 1);
});
