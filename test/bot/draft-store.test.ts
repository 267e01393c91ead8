/**
 * A referrer's recent calls are kept in a row of their own (issue 10): every card turn reads and writes
 * the referrer's row, and twenty finished calls in it made it overflow its page, so each save rewrote
 * several pages. The list still answers a card from a finished call, and still changes only together
 * with the referrer's row.
 */
import type { StoreItems } from 'botbuilder';
import { expect, test } from 'vitest';
import { DraftConflictError, DraftStore } from '../../src/bot/draft-store';
import { type ClosedDraft, startDraft } from '../../src/domain/draft';
import { openDatabase } from '../../src/storage/database';
import type { Query } from '../../src/storage/sql';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { SqliteStorage } from '../../src/storage/sqlite-storage';

const NOW = new Date('2026-11-30T10:00:00Z');
const KEY = 'duty-call/t/aad-u';

function setUp() {
  const db = openDatabase(':memory:');
  const storage = new SqliteStorage(db, () => NOW);
  const reads: string[][] = [];
  const writes: string[][] = [];
  // the real storage, with the keys each call touches noted
  const watched = Object.assign(Object.create(storage) as SqliteStorage, {
    read: (keys: string[]) => {
      reads.push(keys);
      return storage.read(keys);
    },
    write: (changes: StoreItems) => {
      writes.push(Object.keys(changes));
      return storage.write(changes);
    },
    writeTogether: <T>(changes: StoreItems, alongside: Query<T>) => {
      writes.push(Object.keys(changes));
      return storage.writeTogether(changes, alongside);
    },
    writeSoon: (changes: StoreItems) => {
      writes.push(Object.keys(changes).map((k) => `soon:${k}`));
      return storage.writeSoon(changes);
    },
  });
  const row = (key: string) =>
    db.prepare('SELECT value FROM bot_state WHERE key = ?').pluck().get(key) as string | undefined;
  return { storage, drafts: new DraftStore(watched, new SqliteSql(db), watched), reads, writes, row };
}

const draft = (id: string) => startDraft(id, 'full', NOW, '2026-11-30');
const submitted = (i: number): ClosedDraft => ({
  id: `draft-${i}`,
  status: 'submitted',
  reference: `IMH-${String(i).padStart(6, '0')}`,
  at: NOW.toISOString(),
});

test('a card turn reads and writes the referrer’s row alone: the recent calls are read only for a card of another call', async () => {
  const { drafts, reads, writes } = setUp();
  await drafts.save(KEY, await drafts.load(KEY), { current: null }, { add: submitted(1) });
  reads.length = 0;
  writes.length = 0;

  const loaded = await drafts.load(KEY);
  await drafts.save(KEY, loaded, { current: draft('draft-2') });
  expect(reads).toEqual([[KEY]]);
  expect(writes).toEqual([[KEY]]);

  expect(await drafts.closedCalls(KEY, await drafts.load(KEY))).toEqual([submitted(1)]);
  expect(reads.at(-1)).toEqual([DraftStore.closedKey(KEY)]);
});

test('[HAZ-18] a call that ends is listed in the same write as the referrer’s row; a refused write changes neither', async () => {
  const { drafts, writes, row } = setUp();
  const first = await drafts.load(KEY);
  await drafts.save(KEY, first, { current: draft('draft-1') });
  const loaded = await drafts.load(KEY);
  await drafts.save(KEY, loaded, { current: null }, { add: submitted(1) });
  expect(writes.at(-1)).toEqual([KEY, DraftStore.closedKey(KEY)]);
  expect(JSON.parse(row(KEY)!)).toEqual({ current: null });

  // a second Submit of the same draft, from the state read before the first: refused, nothing listed
  await expect(drafts.save(KEY, loaded, { current: null }, { add: submitted(2) })).rejects.toBeInstanceOf(
    DraftConflictError,
  );
  expect(await drafts.closedCalls(KEY, await drafts.load(KEY))).toEqual([submitted(1)]);
});

test('keeps the twenty most recent calls, and the referrer’s row stays small however many there were', async () => {
  const { drafts, row } = setUp();
  for (let i = 1; i <= 25; i++) {
    await drafts.save(KEY, await drafts.load(KEY), { current: draft(`draft-${i}`) });
    await drafts.save(KEY, await drafts.load(KEY), { current: null }, { add: submitted(i) });
  }
  const closed = await drafts.closedCalls(KEY, await drafts.load(KEY));
  expect(closed.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => `draft-${i + 6}`));
  await drafts.save(KEY, await drafts.load(KEY), { current: draft('draft-26') });
  expect(row(KEY)!.length).toBeLessThan(1000);
});

test('recent calls kept inside the referrer’s row by an earlier build are read, and move to their own row on the next save', async () => {
  const { storage, drafts, row } = setUp();
  const legacy = [submitted(1), { id: 'draft-2', status: 'cancelled' as const, at: NOW.toISOString() }];
  await storage.write({ [KEY]: { current: draft('draft-3'), closed: legacy } });

  const loaded = await drafts.load(KEY);
  expect(loaded.state).toEqual({ current: draft('draft-3'), lastReferrer: undefined });
  expect(await drafts.closedCalls(KEY, loaded)).toEqual(legacy);

  await drafts.save(KEY, loaded, { ...loaded.state, current: { ...draft('draft-3'), step: 2 } });
  expect(JSON.parse(row(KEY)!)).not.toHaveProperty('closed');
  expect(await drafts.closedCalls(KEY, await drafts.load(KEY))).toEqual(legacy);
});

test('"forget me" clears the list and keeps the draft; with no draft, both rows go', async () => {
  const { drafts, row } = setUp();
  await drafts.save(KEY, await drafts.load(KEY), { current: null }, { add: submitted(1) });
  await drafts.save(KEY, await drafts.load(KEY), { current: draft('draft-2') });

  await drafts.save(KEY, await drafts.load(KEY), { current: draft('draft-2') }, 'clear');
  expect(await drafts.closedCalls(KEY, await drafts.load(KEY))).toEqual([]);
  expect((await drafts.load(KEY)).state.current?.id).toBe('draft-2');

  await drafts.save(KEY, await drafts.load(KEY), { current: null }, { add: submitted(2) });
  await drafts.forget(KEY);
  expect(row(KEY)).toBeUndefined();
  expect(row(DraftStore.closedKey(KEY))).toBeUndefined();
});

test('a step of the call in progress is written without waiting for the disk; a save not asked to (a discard, a clear) waits', async () => {
  const { drafts, writes, row } = setUp();
  await drafts.saveStep(KEY, await drafts.load(KEY), { current: draft('draft-1') });
  expect(writes).toEqual([[`soon:${KEY}`]]);
  expect(JSON.parse(row(KEY)!).current.id).toBe('draft-1');
  // a stale step is refused as save() refuses it
  const stale = await drafts.load(KEY);
  await drafts.saveStep(KEY, stale, { current: draft('draft-1') });
  await expect(drafts.saveStep(KEY, stale, { current: draft('draft-1') })).rejects.toBeInstanceOf(
    DraftConflictError,
  );
  writes.length = 0;
  // a call discarded (the list of recent calls changes with it), then "forget me"'s clear: both wait
  await drafts.save(KEY, await drafts.load(KEY), { current: null }, { add: submitted(1) });
  await drafts.save(KEY, await drafts.load(KEY), { current: null }, 'clear');
  expect(writes.flat().some((k) => k.startsWith('soon:'))).toBe(false);
});
