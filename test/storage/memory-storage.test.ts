import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { storageContract } from './storage-contract';

// The reference: if botbuilder changes MemoryStorage, this is where the contract shows it.
storageContract('MemoryStorage', async () => ({ storage: new MemoryStorage(), close: async () => {} }));

describe('MemoryStorage quirks our stores deliberately do not copy', () => {
  it('applies the non-conflicting items of a write that rejects', async () => {
    const storage = new MemoryStorage();
    await storage.write({ existing: { v: 1 } });
    const stale = (await storage.read(['existing'])).existing;
    await storage.write({ existing: { ...stale, v: 2 } });

    await expect(
      storage.write({ before: { v: 'b' }, existing: { ...stale, v: 3 }, after: { v: 'a' } }),
    ).rejects.toThrow(/eTag conflict/);

    const items = await storage.read(['before', 'existing', 'after']);
    expect(Object.keys(items).sort()).toEqual(['after', 'before', 'existing']);
    expect(items.existing.v).toBe(2);
  });
});
