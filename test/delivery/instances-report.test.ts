import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The several-instances run (scripts/instances-report.ts) at a small size: 2 instances as their own
 * processes on one SQLite file behind a round-robin proxy, 15 duty calls under 30% connector faults, an
 * instance killed (SIGKILL) and started again during the burst. The script fails (exit 1, "FAILED: ...")
 * if a call is not recorded or recorded twice, a delivery is lost, a duplicate is neither a post taken
 * over from a killed instance nor one answered after the timeout, Teams' per-conversation limits are
 * broken across the instances together, or an alert never reaches the connector.
 */
test('[HAZ-16] several instances under faults and a kill: each call recorded once, nothing lost, duplicates explained, limits held together', async () => {
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/instances-report.ts', '15', '2'],
      { cwd: ROOT, timeout: 170_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
    void child;
  });
  expect(out).toContain('calls submitted / recorded (each once):               15 / 15 (15 distinct)');
  expect(out).toMatch(/deliveries lost:\s+0\n/);
  expect(out).toMatch(/not explained by a kill or a late answer:\s+0\n/);
  expect(out).not.toContain('FAILED');
  expect(code, out.slice(-2000)).toBe(0);
}, 180_000);
