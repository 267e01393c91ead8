import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReference } from '../../src/domain/submitted-call';
import { CallReferences, reserveReference } from '../../src/records/call-references';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { FULL_CALL } from '../fixtures/answers';
import { submitted } from '../fixtures/calls';
import { describeOnBothStores } from '../harness/stores';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function freshFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-refs-'));
  dirs.push(dir);
  return path.join(dir, 'bot.sqlite');
}

/** A reference maker that gives these in order. */
const sequence = (...refs: string[]) => {
  let i = 0;
  return () => refs[Math.min(i++, refs.length - 1)]!;
};

describe('call references are never issued twice', () => {
  it('[HAZ-20] a reference drawn again is not issued: the next unused one is', async () => {
    const db = openDatabase(freshFile());
    const refs = new CallReferences(
      new SqliteSql(db),
      sequence('IMH-AAAAAA', 'IMH-AAAAAA', 'IMH-AAAAAA', 'IMH-BBBBBB'),
    );
    expect(await refs.issue()).toBe('IMH-AAAAAA');
    expect(await refs.issue()).toBe('IMH-BBBBBB');
    db.close();
  });

  it('[HAZ-20] a call stored before references were kept keeps its reference to itself after the upgrade', async () => {
    const file = freshFile();
    let db = openDatabase(file);
    const call = submitted('full', FULL_CALL);
    new DutyCallRecords(new SqliteSql(db)).insert({
      id: call.id,
      kind: call.kind,
      tenantId: 'tenant',
      referrerAadId: 'aad-referrer',
      conversationId: 'a:conv',
      startedAt: call.startedAt,
      submittedAt: call.submittedAt,
      record: call,
    });
    // the database as an earlier build left it: no table of references yet
    db.exec('DROP TABLE call_references');
    db.prepare('DELETE FROM schema_migrations WHERE version = 8').run();
    db.close();
    db = openDatabase(file);
    const refs = new CallReferences(new SqliteSql(db), sequence(call.reference, 'IMH-CCCCCC'));
    expect(await refs.issue()).toBe('IMH-CCCCCC');
    db.close();
  });

  it('gives up with an error rather than loop for ever or reuse one', async () => {
    const db = openDatabase(freshFile());
    const refs = new CallReferences(new SqliteSql(db), () => 'IMH-DDDDDD');
    expect(await refs.issue()).toBe('IMH-DDDDDD');
    await expect(refs.issue()).rejects.toThrow(/no unused call reference/);
    db.close();
  });

  it('issues distinct readable references at scale (20,000 drawn from the real maker)', async () => {
    const db = openDatabase(freshFile());
    const refs = new CallReferences(new SqliteSql(db), () => makeReference());
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(await refs.issue());
    expect(seen.size).toBe(20_000);
    for (const r of [...seen].slice(0, 50)) expect(r).toMatch(/^IMH-[A-HJ-NP-Z2-9]{6}$/);
    db.close();
  });
});

describeOnBothStores('reserveReference', (make) => {
  it('draws again on a reference already issued, and gives up after 20 tries rather than loop', async () => {
    const { store, close } = await make();
    try {
      const draws = ['IMH-AAAAAA', 'IMH-AAAAAA', 'IMH-BBBBBB'];
      const next = () => draws.shift() ?? 'IMH-ZZZZZZ';
      expect(await store.transact(reserveReference(next, '2026-12-01T10:00:00.000Z'))).toBe('IMH-AAAAAA');
      expect(await store.transact(reserveReference(next, '2026-12-01T10:00:01.000Z'))).toBe('IMH-BBBBBB');
      let drawn = 0;
      const always = () => {
        drawn += 1;
        return 'IMH-AAAAAA';
      };
      await expect(store.transact(reserveReference(always, '2026-12-01T10:00:02.000Z'))).rejects.toThrow(
        /no unused call reference found in 20 tries/,
      );
      expect(drawn).toBe(20);
    } finally {
      await close();
    }
  });
});
