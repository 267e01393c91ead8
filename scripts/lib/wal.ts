import fs from 'node:fs';

/**
 * How far the WAL of a SQLite file has been written (mxFrame) and copied back into the database
 * (nBackfill), read from its -shm file (the WAL index: its header at offset 0, the checkpoint's
 * progress at 96; native byte order). For the benchmarks: a checkpoint ran between two readings if
 * nBackfill grew, or if the WAL restarted (mxFrame fell) and some of the new one is already backfilled.
 * Undefined when there is no -shm file (no connection open, or not in WAL mode).
 */
export function walProgress(file: string): { mxFrame: number; nBackfill: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(`${file}-shm`, 'r');
  } catch {
    return undefined;
  }
  try {
    const b = Buffer.alloc(100);
    if (fs.readSync(fd, b, 0, 100, 0) < 100) return undefined;
    return { mxFrame: b.readUInt32LE(16), nBackfill: b.readUInt32LE(96) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether a checkpoint copied frames back between the two readings (see walProgress). */
export function checkpointedBetween(
  before: { mxFrame: number; nBackfill: number } | undefined,
  after: { mxFrame: number; nBackfill: number } | undefined,
): boolean {
  if (!before || !after) return false;
  if (after.mxFrame < before.mxFrame) return after.nBackfill > 0;
  return after.nBackfill > before.nBackfill;
}
