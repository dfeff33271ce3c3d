// `npm test`: builds, runs the unit/behaviour tests (vitest) and the browser/Electron tests
// (Playwright), then prints one closing line with the totals.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';

const args = process.argv.slice(2);
const only = (name) => args.length === 0 || args.includes(name);
mkdirSync('test-results', { recursive: true });

function run(command, commandArgs, env = {}) {
  console.log(`\n$ ${command} ${commandArgs.join(' ')}`);
  return spawnSync(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

let failedStep = false;
if (run('node', ['scripts/build.mjs', '--all']) !== 0) failedStep = true;
if (only('unit') && run('npx', ['tsc', '--noEmit', '-p', '.']) !== 0) failedStep = true;

const totals = { passed: 0, failed: 0, skipped: 0 };

if (only('unit')) {
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']);
  if (existsSync('test-results/vitest.json')) {
    const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests + (status !== 0 && report.numFailedTests === 0 ? 1 : 0);
    totals.skipped += report.numPendingTests + report.numTodoTests;
  } else if (status !== 0) totals.failed += 1;
}

const hasSpecs = existsSync('e2e') && readdirSync('e2e').some((f) => f.endsWith('.spec.ts'));
if (only('e2e') && hasSpecs) {
  const status = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json' });
  if (existsSync('test-results/playwright.json')) {
    const { stats } = JSON.parse(readFileSync('test-results/playwright.json', 'utf8'));
    totals.passed += stats.expected + stats.flaky;
    totals.failed += stats.unexpected + (status !== 0 && stats.unexpected === 0 ? 1 : 0);
    totals.skipped += stats.skipped;
  } else if (status !== 0) totals.failed += 1;
}

if (failedStep) totals.failed += 1;
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
