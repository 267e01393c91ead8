import type { Storage, StoreItems } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface StorageUnderTest {
  storage: Storage;
  close(): Promise<void>;
}

export type MakeStorage = () => Promise<StorageUnderTest>;

const CONFLICT = /eTag conflict/;

function withoutETag(item: StoreItems[string]): Record<string, unknown> {
  const { eTag: _eTag, ...rest } = item;
  return rest;
}

function useStorage(makeStorage: MakeStorage): () => Storage {
  let current: StorageUnderTest | undefined;
  beforeEach(async () => {
    current = await makeStorage();
  });
  afterEach(async () => {
    const closing = current;
    current = undefined;
    await closing?.close();
  });
  return () => {
    if (!current) throw new Error('storage was not created');
    return current.storage;
  };
}

/** Behaviour every botbuilder Storage here must share with botbuilder's MemoryStorage. */
export function storageContract(name: string, makeStorage: MakeStorage): void {
  describe(`${name} – Storage contract`, () => {
    const store = useStorage(makeStorage);

    async function readOne(key: string): Promise<StoreItems[string] | undefined> {
      const items = await store().read([key]);
      return items[key];
    }

    it('returns {} for unknown keys and for no keys', async () => {
      expect(await store().read(['missing', 'also-missing'])).toEqual({});
      expect(await store().read([])).toEqual({});
    });

    it('reads back what was written, with a string eTag, as a copy', async () => {
      const input = { count: 1, nested: { list: [1, 2, { deep: 'x' }] }, flag: true, nothing: null };
      await store().write({ conv: input });

      // The caller's object is not given an eTag by write().
      expect('eTag' in input).toBe(false);

      const first = await readOne('conv');
      expect(typeof first.eTag).toBe('string');
      expect(first.eTag).not.toBe('');
      expect(first.eTag).not.toBe('*');
      expect(withoutETag(first)).toEqual(input);

      // Mutating either the written object or a read result must not reach the store.
      input.nested.list.push(3);
      first.nested.list.push(4);
      first.count = 99;
      const second = await readOne('conv');
      expect(withoutETag(second)).toEqual({
        count: 1,
        nested: { list: [1, 2, { deep: 'x' }] },
        flag: true,
        nothing: null,
      });
      expect(second).not.toBe(first);
      expect(second.eTag).toBe(first.eTag);
    });

    it('round-trips values through JSON like MemoryStorage', async () => {
      await store().write({
        k: { when: new Date(0), gone: undefined, text: 'ünï 😀 "q" \\ \n', n: -1.5, arr: [null, { a: [] }] },
      });
      const item = await readOne('k');
      expect(withoutETag(item)).toEqual({
        when: '1970-01-01T00:00:00.000Z',
        text: 'ünï 😀 "q" \\ \n',
        n: -1.5,
        arr: [null, { a: [] }],
      });
      expect('gone' in item).toBe(false);
    });

    it('updates with the current eTag and issues a new eTag', async () => {
      await store().write({ k: { v: 1 } });
      const before = await readOne('k');
      await store().write({ k: { ...before, v: 2 } });
      const after = await readOne('k');
      expect(withoutETag(after)).toEqual({ v: 2 });
      expect(after.eTag).not.toBe(before.eTag);
    });

    it('rejects a stale eTag and leaves the stored item unchanged', async () => {
      await store().write({ k: { v: 1 } });
      const stale = await readOne('k');
      await store().write({ k: { ...stale, v: 2 } });
      const current = await readOne('k');

      await expect(store().write({ k: { ...stale, v: 3 } })).rejects.toThrow(CONFLICT);
      await expect(store().write({ k: { ...stale, v: 3 } })).rejects.toThrow(
        'Storage: error writing "k" due to eTag conflict.',
      );
      await expect(store().write({ k: { v: 4, eTag: 'never-issued' } })).rejects.toThrow(CONFLICT);

      expect(await readOne('k')).toEqual(current);
    });

    it("overwrites unconditionally with eTag '*'", async () => {
      await store().write({ k: { v: 1 } });
      const before = await readOne('k');
      await store().write({ k: { ...before, v: 2 } });
      await store().write({ k: { v: 3, eTag: '*' } });
      const after = await readOne('k');
      expect(withoutETag(after)).toEqual({ v: 3 });
      expect(after.eTag).not.toBe('*');
      expect(after.eTag).not.toBe(before.eTag);
    });

    it('overwrites unconditionally without an eTag (missing or empty)', async () => {
      await store().write({ k: { v: 1 } });
      await store().write({ k: { v: 2 } });
      expect(withoutETag(await readOne('k'))).toEqual({ v: 2 });
      await store().write({ k: { v: 3, eTag: '' } });
      expect(withoutETag(await readOne('k'))).toEqual({ v: 3 });
    });

    it('creates a missing key even when the write carries an eTag', async () => {
      await store().write({ fresh: { v: 1, eTag: 'made-up' } });
      const created = await readOne('fresh');
      expect(withoutETag(created)).toEqual({ v: 1 });
      expect(created.eTag).not.toBe('made-up');

      // Same after a delete: the old eTag no longer refers to anything, so it cannot conflict.
      await store().delete(['fresh']);
      await store().write({ fresh: { v: 2, eTag: created.eTag } });
      expect(withoutETag(await readOne('fresh'))).toEqual({ v: 2 });
    });

    it('never reuses an eTag', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 5; i++) {
        await store().write({ a: { i }, b: { i } });
        const items = await store().read(['a', 'b']);
        seen.add(items.a.eTag);
        seen.add(items.b.eTag);
      }
      await store().delete(['a']);
      await store().write({ a: { i: 'again' } });
      seen.add((await readOne('a')).eTag);
      expect(seen.size).toBe(11);
    });

    it('lets exactly one of several concurrent writers with the same eTag win', async () => {
      await store().write({ k: { v: 0 } });
      const base = await readOne('k');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store().write({ k: { ...base, v: i + 1 } })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(String(r.reason)).toMatch(CONFLICT);
      }
      const final = await readOne('k');
      expect(final.v).toBeGreaterThan(0);
      expect(final.eTag).not.toBe(base.eTag);
    });

    it('deletes, after which the key reads as absent', async () => {
      await store().write({ a: { v: 'a' }, b: { v: 'b' } });
      await store().delete(['a']);
      const items = await store().read(['a', 'b']);
      expect(Object.keys(items)).toEqual(['b']);
      expect(withoutETag(items.b)).toEqual({ v: 'b' });
    });

    it('treats deleting unknown keys as a no-op', async () => {
      await store().write({ keep: { v: 1 } });
      const before = await readOne('keep');
      await expect(store().delete(['unknown', 'other'])).resolves.toBeUndefined();
      await expect(store().delete([])).resolves.toBeUndefined();
      expect(await readOne('keep')).toEqual(before);
    });

    it('writes and reads several keys in one call', async () => {
      await store().write({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
      const items = await store().read(['c', 'missing', 'a', 'b']);
      expect(Object.keys(items).sort()).toEqual(['a', 'b', 'c']);
      expect(withoutETag(items.a)).toEqual({ n: 1 });
      expect(withoutETag(items.b)).toEqual({ n: 2 });
      expect(withoutETag(items.c)).toEqual({ n: 3 });
      expect(new Set([items.a.eTag, items.b.eTag, items.c.eTag]).size).toBe(3);
    });

    it('handles awkward keys without mixing them up', async () => {
      const keys = [
        '',
        ' ',
        'msteams/conversations/19:abc@thread.v2/users/29:1xyz',
        'unicode ünïcödé 日本語 😀',
        `quotes ' " \` and backslash \\`,
        "'; DROP TABLE bot_state; --",
        'wild%cards_here',
        'Case',
        'case',
        'k'.repeat(1000),
      ];
      const changes: StoreItems = {};
      keys.forEach((key, i) => {
        changes[key] = { i };
      });
      await store().write(changes);

      const all = await store().read(keys);
      expect(Object.keys(all).sort()).toEqual([...keys].sort());
      for (const [i, key] of keys.entries()) {
        expect(withoutETag(all[key])).toEqual({ i });
        expect(withoutETag((await store().read([key]))[key])).toEqual({ i });
      }

      // Conflict detection works per key, including for the odd ones.
      const long = 'k'.repeat(1000);
      await store().write({ [long]: { ...all[long], i: 'updated' } });
      await expect(store().write({ [long]: { ...all[long], i: 'stale' } })).rejects.toThrow(CONFLICT);

      await store().delete(['', 'Case']);
      const after = await store().read(keys);
      expect(Object.keys(after).sort()).toEqual(keys.filter((k) => k !== '' && k !== 'Case').sort());
      expect(withoutETag(after.case)).toEqual({ i: keys.indexOf('case') });
      expect(withoutETag(after[long])).toEqual({ i: 'updated' });
    });
  });
}

/**
 * What our database-backed stores promise beyond MemoryStorage, which applies every
 * non-conflicting item of a write and chokes on keys that collide with Object.prototype.
 */
export function transactionalStorageContract(name: string, makeStorage: MakeStorage): void {
  describe(`${name} – beyond MemoryStorage`, () => {
    const store = useStorage(makeStorage);

    async function setUpStale(): Promise<{ stale: StoreItems[string]; snapshot: StoreItems }> {
      await store().write({ 'm-existing': { v: 1 }, 'z-other': { v: 'o' } });
      const stale = (await store().read(['m-existing']))['m-existing'];
      await store().write({ 'm-existing': { ...stale, v: 2 } });
      return { stale, snapshot: await store().read(['m-existing', 'z-other']) };
    }

    for (const position of ['first', 'middle', 'last'] as const) {
      it(`writes nothing from a batch whose ${position} item has a stale eTag`, async () => {
        const { stale, snapshot } = await setUpStale();
        // Keys sort on both sides of the bad one, so a store that orders its writes (to avoid
        // deadlocks) still has applied something before it hits the conflict.
        const good: [string, object][] = [
          ['a-new', { v: 'n1' }],
          ['z-other', { v: 'overwritten', eTag: '*' }],
          ['n-new', { v: 'n2', eTag: 'made-up' }],
        ];
        const bad: [string, object] = ['m-existing', { ...stale, v: 3 }];
        const at = { first: 0, middle: 1, last: good.length }[position];
        const batch = [...good.slice(0, at), bad, ...good.slice(at)];

        await expect(store().write(Object.fromEntries(batch))).rejects.toThrow(
          'Storage: error writing "m-existing" due to eTag conflict.',
        );
        expect(await store().read(['a-new', 'n-new', 'm-existing', 'z-other'])).toEqual(snapshot);
      });
    }

    it('stores keys named after Object.prototype members as ordinary keys', async () => {
      const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
      expect(await store().read(keys)).toEqual({});
      await store().write(Object.fromEntries(keys.map((k) => [k, { k }])));
      const items = await store().read(keys);
      expect(Object.getPrototypeOf(items)).toBe(Object.prototype);
      for (const k of keys) {
        expect(Object.hasOwn(items, k)).toBe(true);
        expect(withoutETag(items[k])).toEqual({ k });
        // one key at a time too: a store may read a single key by another path (SqliteStorage does)
        const one = await store().read([k]);
        expect(Object.getPrototypeOf(one)).toBe(Object.prototype);
        expect(Object.keys(one)).toEqual([k]);
        expect(withoutETag(one[k])).toEqual({ k });
      }
    });
  });
}
