// Prints "N passed, N failed" from vitest's JSON report. A file that failed before running any
// test (an import error, a failing global setup) counts as one failure, so nothing is hidden.
import { existsSync, readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'test-results/vitest.json';
if (!existsSync(path)) {
  console.log('no test report was written');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(path, 'utf8'));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of report.testResults ?? []) {
  const tests = file.assertionResults ?? [];
  for (const t of tests) {
    if (t.status === 'passed') passed += 1;
    else if (t.status === 'failed') failed += 1;
    else skipped += 1;
  }
  if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
    console.log(`suite failed without a failing test: ${file.name}: ${file.message ?? ''}`);
    failed += 1;
  }
}
if (passed + failed === 0) failed += 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
