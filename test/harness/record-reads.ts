import { type Query, type Statement, textFor } from '../../src/storage/sql';
import type { SqliteSql } from '../../src/storage/sqlite-sql';

/**
 * Counts the records whose events the queries run through `sql` read (eventsOf: how the scheduler and
 * the open-calls list fold a record), those inside attempted queries too: what a tick or an "open"
 * looks at of the history.
 */
export function countingRecordReads(sql: SqliteSql): { read: Set<string>; reset: () => void } {
  const read = new Set<string>();
  const transactNow = sql.transactNow.bind(sql);
  const transact = sql.transact.bind(sql);
  const see = (s: Statement) => {
    if (s.op === 'lock' || s.op === 'attempt') return;
    if (textFor(s.sql, 'sqlite').includes('FROM record_events WHERE record_id = ?'))
      read.add(String(s.params[0]));
  };
  sql.transactNow = (query, opts) => transactNow(watched(query, see), opts);
  sql.transact = (query, opts) => transact(watched(query, see), opts);
  return { read, reset: () => read.clear() };
}

/** `query`, each statement it yields shown to `see` on its way, those of the queries it attempts too. */
function* watched<T>(query: Query<T>, see: (s: Statement) => void): Query<T> {
  let step = query.next();
  while (!step.done) {
    const s = step.value;
    see(s);
    step = query.next(yield s.op === 'attempt' ? { op: 'attempt', query: watched(s.query, see) } : s);
  }
  return step.value;
}
