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
