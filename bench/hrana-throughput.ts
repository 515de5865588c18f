/**
 * Measures the local libSQL HTTP server with the official client:
 *   npx tsx bench/hrana-throughput.ts [--n 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from '@libsql/client/web';
import { startHranaServer } from '../src/dev/hrana/index.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' } } });
const n = Number(values.n);

async function measure(
  label: string,
  count: number,
  run: (i: number) => Promise<unknown>,
  concurrency = 1,
) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) await run(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - started;
  console.log(
    `${label.padEnd(44)} ${String(count).padStart(6)} ops  ${(ms / count).toFixed(3)} ms/op  ${Math.round((count / ms) * 1000)} ops/s`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'stek-hrana-bench-'));
const server = await startHranaServer({ dbPath: join(dir, 'bench.db') });
const client: Client = createClient({ url: server.url });
try {
  await client.execute('CREATE TABLE m (id INTEGER PRIMARY KEY, channel INTEGER, body TEXT)');
  await measure('execute SELECT 1 (sequential)', n, () => client.execute('SELECT 1'));
  await measure('execute INSERT (sequential)', n, (i) =>
    client.execute({
      sql: 'INSERT INTO m (channel, body) VALUES (?, ?)',
      args: [i % 10, `message ${i}`],
    }),
  );
  await measure(
    'execute INSERT (16 concurrent)',
    n,
    (i) =>
      client.execute({ sql: 'INSERT INTO m (channel, body) VALUES (?, ?)', args: [i % 10, 'x'] }),
    16,
  );
  await measure('select 100 rows by channel', n / 4, (i) =>
    client.execute({ sql: 'SELECT * FROM m WHERE channel = ? LIMIT 100', args: [i % 10] }),
  );
  await measure('batch of 10 INSERTs (write)', n / 10, () =>
    client.batch(
      Array.from({ length: 10 }, (_, i) => ({
        sql: 'INSERT INTO m (channel, body) VALUES (?, ?)',
        args: [i, 'b'],
      })),
      'write',
    ),
  );
  await measure(
    'transaction: read, write, commit (4 concurrent)',
    n / 10,
    async () => {
      const tx = await client.transaction('write');
      await tx.execute('SELECT count(*) FROM m WHERE channel = 1');
      await tx.execute("INSERT INTO m (channel, body) VALUES (1, 'tx')");
      await tx.commit();
    },
    4,
  );
} finally {
  client.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
