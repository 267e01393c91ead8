import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Outbox, QUEUE_STATEMENTS, type QueuePosition, WAITING_ON_ANOTHER } from '../../src/records/outbox';
import { openDatabase } from '../../src/storage/database';
import { textFor } from '../../src/storage/sql';

// The alert lane looks for due alerts on every wake (each Submit): it must find them by index, not by
// reading every post waiting in the other lane (issue 10: a burst of summaries held by the rate limits).

describe('the alert lane reads only alerts', () => {
  it('[HAZ-08] finds the one due alert among 5,000 waiting summaries by index on kind and status', () => {
    const db = openDatabase(':memory:');
    const outbox = new Outbox(db);
    const t0 = Date.parse('2026-11-30T10:00:00Z');
    for (let i = 0; i < 5_000; i++) {
      outbox.enqueue(
        { id: `s${i}`, kind: 'duty-summary', target: { type: 'channel', role: 'duty' } },
        new Date(t0 + i),
        60,
      );
    }
    outbox.enqueue(
      { id: 'alert', kind: 'safeguarding-alert', target: { type: 'channel', role: 'safeguarding' } },
      new Date(t0 + 2_500),
      60,
    );
    outbox.enqueue(
      { id: 'note', kind: 'alert-note', target: { type: 'thread', of: 'alert' }, afterId: 'alert' },
      new Date(t0 + 2_600),
      60,
    );
    const now = new Date(t0 + 10_000);
    // the note waits for its alert; nothing of the other lane is read
    expect(outbox.due(now, 500, 'alert').map((d) => d.id)).toEqual(['alert']);
    expect(outbox.due(now, 500, 'general')).toHaveLength(500);
    const source = textFor(QUEUE_STATEMENTS.due.alert, 'sqlite');
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${source}`)
      .all(now.toISOString(), 500)
      .map((r) => (r as { detail: string }).detail);
    expect(plan[0]).toMatch(/SEARCH o USING INDEX outbox_kind_status \(kind=\? AND status=\?\)/);
    expect(plan.join('\n')).not.toMatch(/SCAN o|outbox_due/);
    db.close();
  });
});

// The general lane reads its batch on every wake too: in queue order (migration 9), stopping at the
// batch, rather than reading and sorting every due post to keep the first 500.
describe('the general lane reads its batch in queue order', () => {
  const t0 = Date.parse('2026-11-30T10:00:00Z');
  const summary = (id: string) =>
    ({ id, kind: 'duty-summary', target: { type: 'channel', role: 'duty' } }) as const;

  it('[HAZ-08] takes the oldest due posts first, passing over those not yet due and those waiting on another', () => {
    const db = openDatabase(':memory:');
    const outbox = new Outbox(db);
    for (let i = 0; i < 6; i++) outbox.enqueue(summary(`s${i}`), new Date(t0 + i), 60);
    // s1 retries later; after-s2 waits for s2 to be made; two posts queued in the same millisecond keep
    // the order they were queued in
    db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(
      new Date(t0 + 60_000).toISOString(),
      's1',
    );
    outbox.enqueue({ ...summary('after-s2'), afterId: 's2' }, new Date(t0 + 2), 60);
    outbox.enqueue(summary('same-ms-b'), new Date(t0 + 10), 60);
    outbox.enqueue(summary('same-ms-a'), new Date(t0 + 10), 60);
    const now = new Date(t0 + 1_000);
    expect(outbox.due(now, 500, 'general').map((d) => d.id)).toEqual([
      's0',
      's2',
      's3',
      's4',
      's5',
      'same-ms-b',
      'same-ms-a',
    ]);
    expect(outbox.due(now, 2, 'general').map((d) => d.id)).toEqual(['s0', 's2']);
    expect(outbox.due(new Date(t0 + 61_000), 500).map((d) => d.id)).toContain('s1');
    db.close();
  });

  it('[HAZ-08] does not sort every waiting post to find its batch, and reads no post already made', () => {
    const db = openDatabase(':memory:');
    const planOf = (source: string, args: readonly unknown[]) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${source}`)
        .all(...args)
        .map((r) => (r as { detail: string }).detail)
        .join('\n');
    const at = new Date(t0).toISOString();
    // due() for the general lane: in index order, tie-broken by rowid within a millisecond; never a sort
    // of the whole due set
    const due = planOf(textFor(QUEUE_STATEMENTS.due.general, 'sqlite'), [at, 500]);
    expect(due).toMatch(/(SCAN|SEARCH) o USING INDEX outbox_pending_queue/);
    expect(due).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    // the page at a time the worker reads: one target's posts from where the last page ended, found by
    // seeking (a held channel's backlog is not walked to reach another target's posts)...
    const page = planOf(textFor(QUEUE_STATEMENTS.duePageOf, 'sqlite'), [
      '{"type":"referrer"}',
      at,
      '',
      '',
      0,
      16,
    ]);
    expect(page).toMatch(/SEARCH o USING INDEX outbox_pending_target \(target_json=\? AND created_at>\?\)/);
    expect(page).not.toMatch(/USE TEMP B-TREE FOR ORDER BY|SCAN o/);
    // ...and the targets with posts waiting, one seek each
    const targets = planOf(textFor(QUEUE_STATEMENTS.pendingTargets, 'sqlite'), []);
    expect(targets).toMatch(/SEARCH outbox USING COVERING INDEX outbox_pending_target \(target_json>\?\)/);
    expect(targets).not.toMatch(/SCAN outbox/);
    const indexSql = (name: string) =>
      db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(name) as string;
    expect(indexSql('outbox_pending_queue')).toMatch(/WHERE status = 'pending'$/);
    // posts waiting on another are not in the per-target queue at all until that one is made
    expect(indexSql('outbox_pending_target')).toContain(
      `WHERE status = 'pending' AND next_attempt_at <> '${WAITING_ON_ANOTHER}'`,
    );
    db.close();
  });

  it('[HAZ-08] a post waiting on another becomes due when that one is made, and not before', () => {
    const db = openDatabase(':memory:');
    const outbox = new Outbox(db);
    const now = new Date(t0 + 1_000);
    const duty = JSON.stringify({ type: 'channel', role: 'duty' });
    const page = (skip: string[] = []) => outbox.duePage(now, 16, undefined, skip).rows.map((d) => d.id);
    outbox.enqueue(summary('s0'), new Date(t0), 60);
    outbox.enqueue(
      { id: 'c0', kind: 'referrer-confirmation', target: { type: 'referrer' }, afterId: 's0' },
      new Date(t0),
      60,
    );
    // queued behind a post already made: due at once
    outbox.enqueue(summary('s1'), new Date(t0 + 1), 60);
    outbox.markDelivered('s1', new Date(t0 + 2), 'c', 'a1');
    outbox.enqueue(
      { id: 'c1', kind: 'referrer-confirmation', target: { type: 'referrer' }, afterId: 's1' },
      new Date(t0 + 3),
      60,
    );
    expect(outbox.get('c0')!.nextAttemptAt).toBe(WAITING_ON_ANOTHER);
    expect(page()).toEqual(['s0', 'c1']);
    expect(page([duty])).toEqual(['c1']);
    expect(outbox.due(now, 500, 'general').map((d) => d.id)).toEqual(['s0', 'c1']);
    // the summary made: its confirmation is due from then, in its place in the queue
    outbox.markDelivered('s0', new Date(t0 + 500), 'c', 'a0');
    expect(outbox.get('c0')!.nextAttemptAt).toBe(new Date(t0 + 500).toISOString());
    expect(page()).toEqual(['c0', 'c1']);
    expect(outbox.due(now, 500, 'general').map((d) => d.id)).toEqual(['c0', 'c1']);
    // a channel set up makes its waiting posts due at once, but never one still waiting on another
    outbox.enqueue(summary('s2'), new Date(t0 + 600), 60);
    outbox.enqueue({ ...summary('after-s2'), afterId: 's2' }, new Date(t0 + 601), 60);
    outbox.dueNowFor('duty', now);
    expect(outbox.get('after-s2')!.nextAttemptAt).toBe(WAITING_ON_ANOTHER);
    db.close();
  });

  it('[HAZ-08] reads page by page, target by target, exactly the posts due() gives, in its order', () => {
    // the worker's pages (duePage, per target) against the one queue order (due): any mix of targets,
    // retries, posts waiting on others, posts made, several in one millisecond, and channels skipped
    const targets = [
      { type: 'channel', role: 'duty' },
      { type: 'channel', role: 'admin' },
      { type: 'referrer' },
      { type: 'channel', role: 'safeguarding' },
    ] as const;
    const post = fc.record({
      target: fc.integer({ min: 0, max: targets.length - 1 }),
      alert: fc.boolean(),
      ms: fc.integer({ min: 0, max: 5 }),
      after: fc.option(fc.nat(), { nil: undefined }),
      retryLater: fc.boolean(),
      made: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(post, { maxLength: 40 }),
        fc.subarray([0, 1, 3]),
        fc.integer({ min: 1, max: 7 }),
        (posts, skipped, pageSize) => {
          const db = openDatabase(':memory:');
          const outbox = new Outbox(db);
          let at = t0;
          posts.forEach((p, i) => {
            at += p.ms;
            const afterId = p.after !== undefined && i > 0 ? `p${p.after % i}` : undefined;
            outbox.enqueue(
              {
                id: `p${i}`,
                kind: p.alert ? 'alert-note' : 'duty-summary',
                target: targets[p.target]!,
                afterId,
              },
              new Date(at),
              60,
            );
          });
          posts.forEach((p, i) => {
            if (p.made) outbox.markDelivered(`p${i}`, new Date(at), 'c', undefined);
            else if (p.retryLater) outbox.retryAt(`p${i}`, new Date(at + 60_000), 'later');
          });
          const now = new Date(at + 1);
          const skip = skipped.map((k) => JSON.stringify(targets[k]));
          const expected = outbox
            .due(now, 500, 'general')
            .filter((d) => !skip.includes(JSON.stringify(d.target)))
            .map((d) => d.id);
          const read: string[] = [];
          for (let after: QueuePosition | undefined, n = 0; n < 50; n++) {
            const page = outbox.duePage(now, pageSize, after, skip);
            read.push(...page.rows.map((d) => d.id));
            if (page.rows.length < pageSize) break;
            after = page.last;
          }
          db.close();
          expect(read).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
