import { type Query, type Statement, textFor } from '../../src/storage/sql';
import type { SqliteSql } from '../../src/storage/sqlite-sql';

/** A statement a query ran on the seam, with its answer. */
export type Watched = Extract<Statement, { sql: unknown }> & {
  readonly text: string;
  readonly answer: unknown;
};

/**
 * Shows `see` every statement the queries run through `sql` yield (those inside attempted queries too)
 * with the answer each got: what the code under test reads and writes, whatever repository it goes through.
 */
export function watchStatements(sql: SqliteSql, see: (s: Watched) => void): void {
  const transactNow = sql.transactNow.bind(sql);
  const transact = sql.transact.bind(sql);
  sql.transactNow = (query, opts) => transactNow(watched(query, see), opts);
  sql.transact = (query, opts) => transact(watched(query, see), opts);
}

/**
 * Counts the records whose events the queries run through `sql` read (eventsOf: how the scheduler and
 * the open-calls list fold a record): what a tick or an "open" looks at of the history.
 */
export function countingRecordReads(sql: SqliteSql): { read: Set<string>; reset: () => void } {
  const read = new Set<string>();
  watchStatements(sql, (s) => {
    if (s.text.includes('FROM record_events WHERE record_id = ?')) read.add(String(s.params[0]));
  });
  return { read, reset: () => read.clear() };
}

/** `query`, each statement it yields shown to `see` with its answer, those of the queries it attempts too. */
function* watched<T>(query: Query<T>, see: (s: Watched) => void): Query<T> {
  let step = query.next();
  while (!step.done) {
    const s = step.value;
    let answer: unknown;
    if (s.op === 'attempt') answer = yield { op: 'attempt', query: watched(s.query, see) };
    else {
      answer = yield s;
      if (s.op !== 'lock') see({ ...s, text: textFor(s.sql, 'sqlite'), answer });
    }
    step = query.next(answer);
  }
  return step.value;
}
