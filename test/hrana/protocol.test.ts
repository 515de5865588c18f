import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestHranaServer, type TestHranaServer } from './hrana-server.ts';

let server: TestHranaServer;

beforeAll(async () => {
  server = await startTestHranaServer();
  await pipeline(null, [
    { type: 'execute', stmt: { sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)' } },
    { type: 'close' },
  ]);
});

afterAll(async () => {
  await server?.stop();
});

function pipeline(baton: string | null, requests: unknown[], version = 'v3') {
  return postJson(`${server.url}/${version}/pipeline`, { baton, requests });
}

describe('pipeline endpoint', () => {
  it('answers the v2 and v3 version probes and not the unsupported Protobuf one', async () => {
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);
  });

  it('hands out a new baton per response and refuses a used one', async () => {
    const first = await pipeline(null, [{ type: 'execute', stmt: { sql: 'BEGIN' } }]);
    const baton = first.body.baton as string;
    expect(typeof baton).toBe('string');
    const second = await pipeline(baton, [{ type: 'get_autocommit' }]);
    expect(second.body.results[0].response).toEqual({
      type: 'get_autocommit',
      is_autocommit: false,
    });
    expect(second.body.baton).not.toBe(baton);
    const reused = await pipeline(baton, [{ type: 'get_autocommit' }]);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('STREAM_EXPIRED');
    const closed = await pipeline(second.body.baton, [{ type: 'close' }]);
    expect(closed.body.baton).toBeNull();
  });

  it('encodes values, columns and counts as the spec says', async () => {
    const response = await pipeline(null, [
      {
        type: 'execute',
        stmt: {
          sql: 'INSERT INTO notes (body) VALUES (?) RETURNING id, body, ? AS i, ? AS f, ? AS b, ? AS n',
          args: [
            { type: 'text', value: 'hi' },
            { type: 'integer', value: '9007199254740993' },
            { type: 'float', value: 1.5 },
            { type: 'blob', base64: 'AAEC/w==' },
            { type: 'null' },
          ],
        },
      },
      { type: 'close' },
    ]);
    const result = response.body.results[0].response.result;
    expect(result.cols).toEqual([
      { name: 'id', decltype: 'INTEGER' },
      { name: 'body', decltype: 'TEXT' },
      { name: 'i', decltype: null },
      { name: 'f', decltype: null },
      { name: 'b', decltype: null },
      { name: 'n', decltype: null },
    ]);
    expect(result.rows[0].slice(1)).toEqual([
      { type: 'text', value: 'hi' },
      { type: 'integer', value: '9007199254740993' },
      { type: 'float', value: 1.5 },
      { type: 'blob', base64: 'AAEC/w==' },
      { type: 'null' },
    ]);
    expect(result.affected_row_count).toBe(1);
    expect(result.last_insert_rowid).toBe(result.rows[0][0].value);
  });

  it('evaluates batch conditions, is_autocommit included', async () => {
    const response = await pipeline(null, [
      {
        type: 'batch',
        batch: {
          steps: [
            { stmt: { sql: 'SELECT 1' } },
            { stmt: { sql: 'SELECT nope FROM nowhere' } },
            { condition: { type: 'ok', step: 0 }, stmt: { sql: "SELECT 'ran after ok'" } },
            { condition: { type: 'ok', step: 1 }, stmt: { sql: "SELECT 'skipped'" } },
            {
              condition: {
                type: 'and',
                conds: [{ type: 'error', step: 1 }, { type: 'is_autocommit' }],
              },
              stmt: { sql: "SELECT 'ran after error'" },
            },
            {
              condition: { type: 'not', cond: { type: 'is_autocommit' } },
              stmt: { sql: 'SELECT 0' },
            },
            {
              condition: {
                type: 'or',
                conds: [
                  { type: 'ok', step: 3 },
                  { type: 'ok', step: 5 },
                ],
              },
              stmt: { sql: 'SELECT 0' },
            },
          ],
        },
      },
      { type: 'close' },
    ]);
    const { step_results: results, step_errors: errors } = response.body.results[0].response.result;
    expect(results.map((r: unknown) => r !== null)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(errors.map((e: unknown) => e !== null)).toEqual([
      false,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(errors[1].code).toBe('SQLITE_ERROR');
  });

  it('stores SQL texts per stream, runs sequences and describes statements', async () => {
    const response = await pipeline(null, [
      { type: 'store_sql', sql_id: 1, sql: 'INSERT INTO notes (body) VALUES (:body)' },
      {
        type: 'execute',
        stmt: { sql_id: 1, named_args: [{ name: 'body', value: { type: 'text', value: 'x' } }] },
      },
      { type: 'close_sql', sql_id: 1 },
      { type: 'execute', stmt: { sql_id: 1 } },
      {
        type: 'sequence',
        sql: "INSERT INTO notes (body) VALUES ('s1'); INSERT INTO notes (body) VALUES ('s2');",
      },
      {
        type: 'describe',
        sql: 'SELECT id, body AS text FROM notes WHERE id = ?2 AND body = :b OR id = ?',
      },
      { type: 'describe', sql: 'EXPLAIN DELETE FROM notes' },
      { type: 'close' },
    ]);
    const [stored, executed, closedSql, missing, sequence, described, explained] =
      response.body.results;
    expect(stored.type).toBe('ok');
    expect(executed.response.result.affected_row_count).toBe(1);
    expect(closedSql.type).toBe('ok');
    expect(missing.error.code).toBe('SQL_NOT_FOUND');
    expect(sequence.response).toEqual({ type: 'sequence' });
    expect(described.response.result).toEqual({
      params: [{ name: null }, { name: '?2' }, { name: ':b' }, { name: null }],
      cols: [
        { name: 'id', decltype: 'INTEGER' },
        { name: 'text', decltype: 'TEXT' },
      ],
      is_explain: false,
      is_readonly: true,
    });
    expect(explained.response.result.is_explain).toBe(true);
    const count = await pipeline(null, [
      { type: 'execute', stmt: { sql: 'SELECT count(*) FROM notes' } },
    ]);
    expect(count.body.results[0].response.result.rows[0][0].value).toBe('4');
  });

  it('answers malformed bodies with HTTP 400 and a message naming the problem', async () => {
    const notJson = await postJson(`${server.url}/v3/pipeline`, '{"requests": [');
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/not valid JSON/);
    const badType = await pipeline(null, [{ type: 'explode' }]);
    expect(badType.status).toBe(400);
    expect(badType.body.message).toMatch(/requests\[0\]\.type must be one of/);
    const badValue = await pipeline(null, [
      { type: 'execute', stmt: { sql: 'SELECT ?', args: [{ type: 'integer', value: 'twelve' }] } },
    ]);
    expect(badValue.status).toBe(400);
    expect(badValue.body.message).toMatch(/args\[0\]\.value/);
    expect((await fetch(`${server.url}/v9/pipeline`, { method: 'POST' })).status).toBe(404);
  });
});

describe('cursor endpoint', () => {
  it('streams step entries and rows as lines of JSON', async () => {
    const response = await fetch(`${server.url}/v3/cursor`, {
      method: 'POST',
      body: JSON.stringify({
        baton: null,
        batch: {
          steps: [
            { stmt: { sql: 'SELECT id FROM notes ORDER BY id LIMIT 2' } },
            { stmt: { sql: 'SELECT * FROM nowhere' } },
          ],
        },
      }),
    });
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(typeof lines[0].baton).toBe('string');
    expect(lines.slice(1).map((entry: { type: string }) => entry.type)).toEqual([
      'step_begin',
      'row',
      'row',
      'step_end',
      'step_error',
    ]);
    expect(lines[1]).toEqual({
      type: 'step_begin',
      step: 0,
      cols: [{ name: 'id', decltype: 'INTEGER' }],
    });
    expect(lines[5].step).toBe(1);
    const closed = await pipeline(lines[0].baton, [{ type: 'close' }]);
    expect(closed.body.results[0].type).toBe('ok');
  });
});
