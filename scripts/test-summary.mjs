/* global console, process */
// Prints one closing line per suite ("unit: N passed, N failed, N skipped") from the JSON reports
// that Vitest and Playwright write, so a CI log says in one place what ran.
import { readFileSync } from 'node:fs';

function read(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const unit = read('.tmp/reports/vitest.json');
const e2e = read('.tmp/reports/playwright.json');
let failed = 0;
if (unit) {
  const skipped = (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
  failed += unit.numFailedTests;
  console.log(`unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed, ${skipped} skipped`);
}
if (e2e) {
  const s = e2e.stats;
  failed += s.unexpected;
  // The list reporter hides why a test was skipped (e.g. no Electron binary here): say it.
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'skipped') continue;
        const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
        console.log(`skipped [${t.projectName}] ${spec.title}: ${why}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of e2e.suites ?? []) walk(suite);
  console.log(`e2e: ${s.expected + s.flaky} passed, ${s.unexpected} failed, ${s.skipped} skipped`);
}
if (!unit && !e2e) {
  console.log('no test report found');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
