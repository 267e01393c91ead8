import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { describePostgres } from '../harness/postgres';

const ROOT = path.resolve(__dirname, '../..');

/** scripts/instances-report.ts with these arguments: its exit code and everything it printed. */
function report(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/instances-report.ts', ...args],
      { cwd: ROOT, timeout: 170_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** What the run must show, whatever the store: the script also exits 1 ("FAILED: ...") if any fails. */
function expectHeld({ code, out }: { code: number | null; out: string }, calls: number): void {
  expect(out).toContain(
    `calls submitted / recorded (each once):               ${calls} / ${calls} (${calls} distinct)`,
  );
  expect(out).toMatch(/deliveries lost:\s+0\n/);
  expect(out).toMatch(/not explained by a kill or a late answer:\s+0\n/);
  expect(out).not.toContain('FAILED');
  expect(code, out.slice(-2000)).toBe(0);
}

/**
 * The several-instances run (scripts/instances-report.ts) at a small size: instances as their own
 * processes on one database behind a round-robin proxy, 15 duty calls under 30% connector faults, an
 * instance killed (SIGKILL) and started again during the burst. The script fails (exit 1, "FAILED: ...")
 * if a call is not recorded or recorded twice, a delivery is lost, a duplicate is neither a post taken
 * over from a killed instance nor one answered after the timeout, Teams' per-conversation limits are
 * broken across the instances together, or an alert never reaches the connector.
 */
test('[HAZ-16] several instances under faults and a kill: each call recorded once, nothing lost, duplicates explained, limits held together', async () => {
  expectHeld(await report(['15', '2']), 15);
}, 180_000);

describePostgres('on PostgreSQL (DATABASE_URL)', () => {
  test('[HAZ-16] three instances on one PostgreSQL under faults and kills: each call recorded once, nothing lost, duplicates explained, limits held together', async () => {
    const run = await report(['15', '3', '20261201', 'postgres']);
    expect(run.out).toContain('3 instances on one PostgreSQL database');
    expectHeld(run, 15);
  }, 180_000);
});
