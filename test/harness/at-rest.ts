import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FULL_CALL } from '../fixtures/answers';

const NHS = FULL_CALL.family!.nhsNumber!;
/** The full call's infant name and NHS number in every form it could be stored in: as typed, and digits only. */
export const PATIENT_SECRETS = [FULL_CALL.family!.infantName!, NHS, NHS.replace(/\s/g, '')];

/** Which of the secrets can be read in the SQLite file or its WAL, byte for byte ("file: secret"). */
export function secretsAtRest(file: string, secrets = PATIENT_SECRETS): string[] {
  const found: string[] = [];
  for (const f of [file, `${file}-wal`]) {
    if (!fs.existsSync(f)) continue;
    const bytes = fs.readFileSync(f);
    for (const s of secrets)
      if (bytes.includes(Buffer.from(s, 'utf8'))) found.push(`${path.basename(f)}: ${s}`);
  }
  return found;
}

/**
 * The secrets still readable once the WAL has had `withinMs` to be scrubbed. The scrub after a deletion
 * is tried again while something holds the WAL (scrubWalSoon), so it is waited for, to a deadline.
 */
export async function secretsAfterScrub(file: string, withinMs = 3000): Promise<string[]> {
  const end = Date.now() + withinMs;
  while (secretsAtRest(file).length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return secretsAtRest(file);
}

/**
 * Another connection mid-read on `file` (a report script, a backup, the checkpointer's pass): the WAL
 * cannot be truncated while it holds it. Returns how to let go.
 */
export function holdWal(file: string): () => void {
  const reader = new Database(file, { readonly: true });
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM bot_state').get();
  return () => {
    reader.exec('COMMIT');
    reader.close();
  };
}
