/**
 * CI: holds the clinical safety case's hazard log and the test suite to each other. Every hazard has
 * a test, every test the log names ran and passed, and every "[HAZ-nn]" test is in the log under its
 * hazard. Reads the vitest JSON reports that .ci/run writes.
 *
 * Usage: tsx scripts/check-hazard-log.ts test-results/vitest.json [more reports...]
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkHazardLog, parseHazardLog, testsOfReport } from './lib/hazard-log';

const LOG = path.join('docs', 'clinical-safety', 'hazard-log.md');

const reports = process.argv.slice(2);
if (reports.length === 0) {
  process.stderr.write('usage: tsx scripts/check-hazard-log.ts <vitest json report>...\n');
  process.exit(2);
}
const hazards = parseHazardLog(fs.readFileSync(LOG, 'utf8'));
const tests = reports.filter((f) => fs.existsSync(f)).flatMap(testsOfReport);
const problems = checkHazardLog(hazards, tests);
const listed = hazards.reduce((n, h) => n + h.tests.length, 0);
if (problems.length > 0) {
  process.stderr.write(
    `hazard log: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `hazard log: ${hazards.length} hazards, ${listed} mitigation tests, all present and passing\n`,
);
