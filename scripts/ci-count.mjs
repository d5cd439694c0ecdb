#!/usr/bin/env node
// Prints vitest's JSON report as the one line CI reads, `N passed, N failed`, alone on its line.
// Exits non-zero when the report is missing or counts no test at all.
import fs from 'node:fs';

const file = process.argv[2] ?? '.tmp/vitest.json';
if (!fs.existsSync(file)) {
  console.log('0 passed, 0 failed');
  console.error(`ci-count: no report at ${file}: the test run did not finish`);
  process.exit(1);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
);
for (const f of brokenFiles)
  console.error(`ci-count: ${f.name} failed to run: ${(f.message ?? '').split('\n')[0]}`);
// The count line stands alone (CI matches it exactly); skips get a line of their own.
console.log(`${passed} passed, ${failed + brokenFiles.length} failed`);
if (skipped) console.log(`${skipped} skipped (each prints its reason in the log above)`);
if (passed === 0) process.exit(1);
