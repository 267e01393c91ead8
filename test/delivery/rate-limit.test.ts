import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  type Bucket,
  conversationBucket,
  type PostLimiter,
  RateLimiter,
  tenantBucket,
} from '../../src/delivery/rate-limit';
import { SharedRateLimiter } from '../../src/delivery/shared-rate-limit';
import { PostStamps } from '../../src/records/post-stamps';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';

type Kind = 'in memory' | 'shared';

function limiter(margin = 0, kind: Kind = 'in memory') {
  let t = 1_000_000;
  const l: PostLimiter =
    kind === 'in memory'
      ? new RateLimiter(() => t, margin)
      : new SharedRateLimiter(new PostStamps(new SqliteSql(openDatabase(':memory:'))), () => t, margin);
  return {
    l,
    /** A post made and answered at once; its wait (0 = made). */
    post: async (buckets: Bucket[]) => {
      const p = await l.acquire(buckets);
      await p.release();
      return p.waitMs;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const conv = (id = 'c1') => [conversationBucket(id)];

// the same rules, whether the limits are kept in memory (one instance) or in the database (several)
describe.each<Kind>(['in memory', 'shared'])('%s', (kind) => {
  test('7 posts in a second to one conversation, then the 8th waits until the first leaves the window', async () => {
    const { post, advance } = limiter(0, kind);
    for (let i = 0; i < 7; i++) {
      expect(await post(conv())).toBe(0);
      advance(10);
    }
    // 70 ms have passed since the first post: it leaves the 1 s window in 930 ms
    expect(await post(conv())).toBe(930);
    // a different conversation is not held
    expect(await post(conv('c2'))).toBe(0);
    advance(929);
    expect(await post(conv())).toBe(1);
    advance(1);
    expect(await post(conv())).toBe(0);
    // and then the 2 s window: 8 posts in 2 s at most, the first of them made at 0
    expect(await post(conv())).toBe(1000);
  });

  test('8 posts in 2 seconds, then 60 in 30 seconds, even at a slow, steady rate', async () => {
    const { post, advance } = limiter(0, kind);
    for (let i = 0; i < 7; i++) expect(await post(conv())).toBe(0);
    advance(1000);
    expect(await post(conv())).toBe(0);
    // only one in the last second, but eight in the last two
    expect(await post(conv())).toBe(1000);
    const { post: post2, advance: advance2 } = limiter(0, kind);
    for (let i = 0; i < 60; i++) {
      expect(await post2(conv())).toBe(0);
      advance2(300); // about 3 a second
    }
    // the first post was 18 s ago: 12 s until it leaves the 30 s window
    expect(await post2(conv())).toBe(12_000);
  });

  test('a reply in a channel thread counts against the channel', async () => {
    const { post } = limiter(0, kind);
    for (let i = 0; i < 7; i++) expect(await post(conv(`19:duty@thread.tacv2;messageid=${i}`))).toBe(0);
    expect(await post(conv('19:duty@thread.tacv2'))).toBeGreaterThan(0);
    expect(await post(conv('19:other@thread.tacv2'))).toBe(0);
  });

  test('a refused post is not counted', async () => {
    const { post, advance } = limiter(0, kind);
    for (let i = 0; i < 7; i++) await post(conv());
    for (let i = 0; i < 100; i++) expect(await post(conv())).toBeGreaterThan(0);
    advance(2000);
    for (let i = 0; i < 7; i++) expect(await post(conv())).toBe(0);
  });

  test('a post counts from when it was answered: slow answers push the window on', async () => {
    const { l, post, advance } = limiter(0, kind);
    const slow = [];
    for (let i = 0; i < 7; i++) slow.push(await l.acquire(conv()));
    expect(slow.map((p) => p.waitMs)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    advance(800);
    for (const p of slow) await p.release(); // all answered 800 ms after they were sent
    advance(200);
    // a second after sending, but only 200 ms after the answers: Teams may have seen them late
    expect(await post(conv())).toBe(800);
    advance(800);
    expect(await post(conv())).toBe(0);
  });

  test('the tenant bucket holds posts across conversations at 25 a second', async () => {
    const { post } = limiter(0, kind);
    for (let i = 0; i < 25; i++) expect(await post([conversationBucket(`c${i}`), tenantBucket('t')])).toBe(0);
    expect(await post([conversationBucket('c99'), tenantBucket('t')])).toBe(1000);
  });

  test('the margin widens each window', async () => {
    const { post, advance } = limiter(100, kind);
    for (let i = 0; i < 7; i++) await post(conv());
    advance(1000);
    expect(await post(conv())).toBe(100);
  });

  test('a conversation blocked after a 429 waits for Retry-After', async () => {
    const { l, post, advance } = limiter(0, kind);
    await l.block('conversation:c1', 2000);
    expect(await post(conv())).toBe(2000);
    expect(await post(conv('c2'))).toBe(0);
    advance(2000);
    expect(await post(conv())).toBe(0);
  });
});

test('conversations posted to once are forgotten once their posts have left every window (issue 10)', async () => {
  const { l, post, advance } = limiter(50);
  // a busy week: every referrer's confirmation goes to a personal chat of its own, posted to once
  for (let i = 0; i < 10_000; i++) {
    expect(await post([conversationBucket(`a:personal-${i}`), tenantBucket('t1')])).toBe(0);
    if (i % 20 === 19) advance(1_100);
    // a 429 on some of them: held for a while
    if (i % 1_000 === 0) await l.block(`conversation:a:personal-${i}`, 30_000);
  }
  // every one of them is still in the hour window (posted over the last 550 s): all kept
  expect((l as RateLimiter).size).toBe(10_001);
  // an hour and a minute on, one more post: what no window still holds is gone
  advance(3_600_000 + 60_000);
  expect(await post([conversationBucket('a:personal-new'), tenantBucket('t1')])).toBe(0);
  expect((l as RateLimiter).size).toBe(2);
  // and the limits still hold for what is kept (the tenant's 25 a second)
  for (let i = 0; i < 24; i++) expect(await post([conversationBucket(`c-${i}`), tenantBucket('t1')])).toBe(0);
  expect(await post([conversationBucket('c-late'), tenantBucket('t1')])).toBeGreaterThan(0);
});

test('a conversation still inside its hour window is kept, with its count, through a sweep', async () => {
  const { l, post, advance } = limiter(0);
  // 60 posts in 30 s is the limit; the first at 0
  for (let i = 0; i < 60; i++) {
    expect(await post(conv('busy'))).toBe(0);
    advance(400);
  }
  // another conversation's post a minute later sweeps: 'busy' has posts in its windows, so stays
  advance(60_000);
  expect(await post(conv('other'))).toBe(0);
  expect((l as RateLimiter).size).toBe(2);
  // 1800 posts an hour: 'busy' has made 60, and may post again now (its 30 s window is clear)
  expect(await post(conv('busy'))).toBe(0);
});

describe('shared by several instances (SharedRateLimiter)', () => {
  function onOneFile() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-limits-'));
    const file = path.join(dir, 'bot.sqlite');
    let t = 1_000_000;
    const dbs: ReturnType<typeof openDatabase>[] = [];
    const instance = () => {
      const db = openDatabase(file);
      dbs.push(db);
      return new SharedRateLimiter(new PostStamps(new SqliteSql(db)), () => t, 0);
    };
    return {
      instance,
      dbs,
      advance: (ms: number) => {
        t += ms;
      },
      close: () => {
        for (const db of dbs) db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const post = async (l: PostLimiter, buckets: Bucket[]) => {
    const p = await l.acquire(buckets);
    await p.release();
    return p.waitMs;
  };

  test('two instances share a conversation’s 7 a second: the 8th post waits, whichever instance makes it', async () => {
    const f = onOneFile();
    try {
      const a = f.instance();
      const b = f.instance();
      for (let i = 0; i < 7; i++) {
        expect(await post(i % 2 === 0 ? a : b, conv())).toBe(0);
        f.advance(10);
      }
      expect(await post(a, conv())).toBe(930);
      expect(await post(b, conv())).toBe(930);
      expect(await b.wait(conversationBucket('c1'))).toBe(930);
    } finally {
      f.close();
    }
  });

  test('a 429 seen by one instance holds the conversation for the other', async () => {
    const f = onOneFile();
    try {
      const a = f.instance();
      const b = f.instance();
      await a.block('conversation:c1', 2000);
      expect(await post(b, conv())).toBe(2000);
      f.advance(2000);
      expect(await post(b, conv())).toBe(0);
    } finally {
      f.close();
    }
  });

  test('a restarted instance remembers the posts of the last hour (the in-memory limits forgot them)', async () => {
    const f = onOneFile();
    try {
      const before = f.instance();
      for (let i = 0; i < 60; i++) {
        expect(await post(before, conv())).toBe(0);
        f.advance(400);
      }
      // 24 s since the first post: 60 in 30 s is the limit, so the next waits until the first leaves
      const after = f.instance();
      expect(await post(after, conv())).toBe(6_000);
    } finally {
      f.close();
    }
  });

  test('stamps past the longest window are swept, so the table does not grow with history', async () => {
    const f = onOneFile();
    try {
      const l = f.instance();
      for (let i = 0; i < 500; i++) {
        expect(await post(l, [conversationBucket(`a:personal-${i}`), tenantBucket('t1')])).toBe(0);
        f.advance(100);
      }
      const count = () => f.dbs[0]!.prepare('SELECT COUNT(*) FROM post_stamps').pluck().get() as number;
      expect(count()).toBe(1000);
      f.advance(3_700_000);
      expect(await post(l, conv())).toBe(0);
      expect(count()).toBe(1);
    } finally {
      f.close();
    }
  });
});
