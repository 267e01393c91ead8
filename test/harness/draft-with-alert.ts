import { expect } from 'vitest';
import { DraftConflictError, type DraftStore } from '../../src/bot/draft-store';
import { type Draft, startDraft } from '../../src/domain/draft';
import {
  type DraftAlertOptions,
  DraftAlertQueries,
  type RiskSaveOutcome,
} from '../../src/records/draft-alerts';
import type { Query } from '../../src/storage/sql';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE } from '../fixtures/calls';

/** The in-progress alerts' options for these checks: ids counted, one fixed reference. */
export function alertOptions(): DraftAlertOptions {
  let n = 0;
  return {
    alertRules: ['possible-harm-baby'],
    profile: PROFILE,
    giveUpMinutes: 60,
    newId: () => `id-${++n}`,
    newReference: () => 'IMH-ABCDEF',
  };
}

/** A draft whose risk answers flag possible harm, and its risk save as a query (an alert the first time). */
export function flaggedRiskSave(now: Date, queries = new DraftAlertQueries(alertOptions())) {
  const draft = {
    ...startDraft('draft-1', 'full', now, '2026-11-23'),
    answers: { referrer: FULL_CALL.referrer!, risk: { ...FULL_CALL.risk!, harmToBaby: 'yes' } },
  };
  const raise = () =>
    queries.onRiskSaved(
      draft,
      { tenantId: 't', userId: 'aad-u' },
      { serviceUrl: 'http://x', conversationId: 'c', userId: 'u' },
      now,
    );
  return { draft, raise };
}

/**
 * HAZ-01's check, for any draft store and its database: the draft save and the alert its risk save
 * raises are one transaction. A refused save queues no alert, a failed alert saves no draft, and a save
 * that succeeds stores both. `raise` is the risk save's query; `count` a table's rows.
 */
export async function expectDraftAndAlertTogether(
  drafts: DraftStore,
  draft: Draft,
  raise: () => Query<RiskSaveOutcome>,
  count: (table: string) => number | Promise<number>,
): Promise<void> {
  const key = 'duty-call/t/aad-u';
  const empty = await drafts.load(key);
  // someone else saved first: the save is refused, and no alert is queued with it
  await drafts.save(key, empty, { current: null });
  await expect(drafts.saveWith(key, empty, { current: draft }, raise())).rejects.toBeInstanceOf(
    DraftConflictError,
  );
  expect(await count('outbox')).toBe(0);
  expect(await count('draft_alerts')).toBe(0);
  // the alert cannot be queued: the draft is not saved either
  const loaded = await drafts.load(key);
  await expect(
    drafts.saveWith(
      key,
      loaded,
      { current: draft },
      (function* () {
        yield* raise();
        throw new Error('disk full');
      })(),
    ),
  ).rejects.toThrow('disk full');
  expect((await drafts.load(key)).state.current).toBeNull();
  expect(await count('outbox')).toBe(0);
  // both, together
  const outcome = await drafts.saveWith(key, loaded, { current: draft }, raise());
  expect(outcome.raised).toBe(true);
  expect((await drafts.load(key)).state.current?.id).toBe(draft.id);
  expect(await count('draft_alerts')).toBe(1);
  // the alert and the referrer's "alerted" notice
  expect(await count('outbox')).toBe(2);
}
