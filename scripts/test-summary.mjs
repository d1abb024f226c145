#!/usr/bin/env node
// Adds up the vitest JSON reports every package wrote (vitest.shared.ts puts
// them at <package>/test-results/vitest.json) and prints one table row per
// package, then ONE closing line `N passed, N failed, N skipped`.
//
// Exits non-zero when any test failed, a test file failed to load, a package
// with a test script wrote no report, or no test ran at all.
//
//   node scripts/test-summary.mjs            table + closing line
//   node scripts/test-summary.mjs --line     the closing line only
//   ... --allow-missing                      packages without a report are left out
//                                            (after a filtered run)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testedPackages } from './workspace-packages.mjs';

const REPORT = join('test-results', 'vitest.json');
const lineOnly = process.argv.includes('--line');
const allowMissing = process.argv.includes('--allow-missing');

/** Counts of one vitest JSON report; a file that failed to load counts as one failure. */
function countReport(report) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of report.testResults ?? []) {
    let fileFailures = 0;
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') fileFailures++;
      else skipped++; // skipped, pending, todo, disabled
    }
    if (file.status === 'failed' && fileFailures === 0) fileFailures = 1;
    failed += fileFailures;
  }
  return { passed, failed, skipped };
}

const rows = [];
const total = { passed: 0, failed: 0, skipped: 0 };
for (const { name, dir } of testedPackages()) {
  const path = join(dir, REPORT);
  if (!existsSync(path)) {
    if (allowMissing) continue;
    rows.push({ name, note: 'no report (tests did not run)' });
    total.failed++;
    continue;
  }
  const c = countReport(JSON.parse(readFileSync(path, 'utf8')));
  rows.push({ name, ...c });
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
}

if (!lineOnly) {
  const width = Math.max(...rows.map((r) => r.name.length), 7);
  console.log(`\n${'package'.padEnd(width)}  passed  failed  skipped`);
  for (const r of rows) {
    if (r.note) console.log(`${r.name.padEnd(width)}  ${r.note}`);
    else console.log(`${r.name.padEnd(width)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}`);
  }
  console.log('');
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
