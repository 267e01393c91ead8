import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/delivery/outbox';
import { openDatabase } from '../../src/storage/database';

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
    const source = (outbox as unknown as { sql: { due: { alert: { source: string } } } }).sql.due.alert
      .source;
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
    const outbox = new Outbox(db);
    const sql = (
      outbox as unknown as {
        sql: Record<string, { source: string }> & { due: { general: { source: string } } };
      }
    ).sql;
    // due() for the general lane, and the page at a time the worker reads it by
    for (const [source, args] of [
      [sql.due.general.source, [new Date(t0).toISOString(), 500]],
      [sql.duePage!.source, [new Date(t0).toISOString(), '', '', 0, '[]', 16]],
    ] as const) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${source}`)
        .all(...args)
        .map((r) => (r as { detail: string }).detail)
        .join('\n');
      // in index order, tie-broken by rowid within a millisecond; never a sort of the whole due set
      expect(plan).toMatch(/(SCAN|SEARCH) o USING INDEX outbox_pending_queue/);
      expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
    const partial = db
      .prepare(`SELECT sql FROM sqlite_schema WHERE name = 'outbox_pending_queue'`)
      .pluck()
      .get() as string;
    expect(partial).toMatch(/WHERE status = 'pending'/);
    db.close();
  });
});
