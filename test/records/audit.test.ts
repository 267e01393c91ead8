import { expect, it } from 'vitest';
import { appendAudit, auditOf } from '../../src/records/audit';
import { type SqlStore, write } from '../../src/storage/sql';
import { describeOnBothStores, type MakeStore, withStore as withStoreOf } from '../harness/stores';

/** The audit trail, the same on both stores (issue 11, item 2), its append-only rule enforced by each. */
function auditContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);
  const entry = (action: string, recordId?: string) => ({
    at: '2026-12-01T10:00:00.000Z',
    actorId: 'aad-lead',
    action,
    recordId,
    outcome: 'done',
    detail: { deliveryId: 'd1', attempts: 2, nested: { ok: true } },
  });

  it("a record's trail in the order it was written, ids as numbers, details as they were", () =>
    withStore(async (store) => {
      await store.transact(appendAudit(entry('call-submitted', 'r1')));
      await store.transact(appendAudit(entry('team-installed')));
      await store.transact(appendAudit(entry('alert-acknowledged', 'r1')));
      const trail = await store.transact(auditOf('r1'));
      expect(trail.map((a) => a.action)).toEqual(['call-submitted', 'alert-acknowledged']);
      expect(trail[0]).toEqual({ id: expect.any(Number), ...entry('call-submitted', 'r1') });
      expect(trail[1]!.id).toBeGreaterThan(trail[0]!.id);
      expect(await store.transact(auditOf('r2'))).toEqual([]);
    }));

  it('append-only, enforced by the database: no update, no delete', () =>
    withStore(async (store) => {
      await store.transact(appendAudit(entry('call-submitted', 'r1')));
      // refused by the schema's triggers: SQLite's RAISE, PostgreSQL's integrity_constraint_violation
      const refusal = (err: unknown) =>
        ['SQLITE_CONSTRAINT_TRIGGER', '23000'].includes(String((err as { code?: unknown }).code));
      await expect(store.transact(write("UPDATE audit SET outcome = 'undone'"))).rejects.toSatisfy(refusal);
      await expect(store.transact(write('DELETE FROM audit'))).rejects.toSatisfy(refusal);
      expect(await store.transact(auditOf('r1'))).toHaveLength(1);
    }));
}

describeOnBothStores('Audit', auditContract);
