import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';

/**
 * The service's source documents (the competencies framework and the duty-call guidance) sit beside the
 * repository in ../shared on the project's machines and in CI, not in the repository: a clone from
 * GitHub has no copy, so the tests that compare with them skip there, saying so.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SEEDS_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'seeds');
const present = fs.existsSync(SEEDS_DIR);
// CI sets this: there a missing folder is a broken checkout, not a reason to skip
const required = process.env.REQUIRE_SOURCE_DOCUMENTS === '1';

export function seedPath(file: string): string {
  return path.join(SEEDS_DIR, file);
}

export function describeWithSources(title: string, body: () => void): void {
  if (present) {
    describe(title, body);
  } else if (required) {
    describe(title, () => {
      it('needs the source documents (REQUIRE_SOURCE_DOCUMENTS=1)', () => {
        throw new Error(`no source documents at ${SEEDS_DIR}`);
      });
    });
  } else {
    console.warn(`${title}: skipped, no source documents at ${SEEDS_DIR} (../shared beside the repository)`);
    describe.skip(`${title} [skipped: no source documents in ../shared/seeds]`, body);
  }
}
