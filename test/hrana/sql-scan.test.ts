import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../src/dev/hrana/sql-scan.ts';

// SQLite itself is the reference: EXPLAIN lists a Variable opcode per parameter use, with the
// parameter's index in p1 and its name (if any) in p4.
const db = new Database(':memory:');
db.exec('CREATE TABLE t (a, b, "weird:name", [x?y])');

afterAll(() => db.close());

function paramsBySqlite(sql: string): (string | null)[] {
  const plan = db.prepare(`EXPLAIN ${sql}`).all() as { opcode: string; p1: number; p4: unknown }[];
  const names: (string | null)[] = [];
  for (const op of plan.filter((row) => row.opcode === 'Variable')) {
    names[op.p1 - 1] = typeof op.p4 === 'string' && op.p4 !== '' ? op.p4 : null;
  }
  return Array.from(names, (name) => name ?? null);
}

const cases = [
  'SELECT ?, ?, ?',
  'SELECT ?3, ?, ?1',
  'SELECT :a, @b, $c, :a, ?',
  'SELECT \'?\', "weird:name", [x?y], ? FROM t -- :notparam\n WHERE a = :real',
  'SELECT /* ? :c */ ? || $tcl::name || $arr(key)',
  "SELECT x'00ff', ?, 'it''s ?'",
  'SELECT a FROM t WHERE a = ?5 AND b = :n AND a = ?',
  'INSERT INTO t (a, b) VALUES (@one, @two) RETURNING :three',
];

describe('splitSqlStatements', () => {
  it.each(cases)('numbers the parameters of %j the way SQLite does', (sql) => {
    const [statement] = splitSqlStatements(sql);
    expect(statement?.params).toEqual(paramsBySqlite(sql));
  });

  it('splits statements on semicolons outside strings, comments and trigger bodies', () => {
    const statements = splitSqlStatements(`
      SELECT 'a;b'; -- ; comment
      ;;
      CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET b = CASE WHEN NEW.a THEN 1 ELSE 2 END;
        SELECT ';';
      END;
      /* ; */ SELECT 2
    `);
    expect(statements.map((s) => s.keywords[0])).toEqual(['SELECT', 'CREATE', 'SELECT']);
    expect(statements[1]?.sql).toMatch(/^CREATE TRIGGER[\s\S]*END$/);
  });

  it('finds no statement in whitespace and comments', () => {
    expect(splitSqlStatements('  -- nothing\n /* here */ ; ')).toEqual([]);
  });
});
