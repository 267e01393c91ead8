import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { startBotProcess } from '../harness/bot-process';
import { chatClient } from '../harness/chat';
import { type StandInConnector, startConnector } from '../harness/connector';
import {
  type AuditRowRaw,
  CHANNEL_ENV,
  DUTY,
  FLAGGED_CALL,
  faultIn,
  type OutboxRow,
  takenCounts,
  threadsIn,
  until,
} from '../harness/service';

let child: ChildProcess | undefined;
let connector: StandInConnector | undefined;
let dir: string | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await connector?.close();
  connector = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function query<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

test('[HAZ-16] killed (SIGKILL) after posting and before marking: posted again once on restart, nothing lost', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-crash-'));
  connector = await startConnector();
  const c = connector;
  const env = {
    APP_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_FILE: path.join(dir, 'bot.sqlite'),
    TEAMS_SERVICE_URL: c.url,
    // the posts the kill left under way are taken over once their claims run out
    DELIVERY_LEASE_SECONDS: '3',
    ...CHANNEL_ENV,
  };
  // the duty channel takes the first post but does not answer it: the bot cannot mark it delivered
  let held = false;
  const hold = faultIn([DUTY], { delayMs: 60_000 });
  c.faultWhen((p) => {
    if (held) return undefined;
    const f = hold(p);
    if (f) held = true;
    return f;
  });

  const first = await startBotProcess(env);
  child = first.proc;
  const chat = chatClient(() => first.url, c.url);
  await chat.call('user-1', FLAGGED_CALL);
  const taken = await c.waitFor((p) => threadsIn([p], DUTY).length === 1);
  // the alert (another channel) is not held up by the duty channel and is made before the kill
  await until('the alert delivered', () =>
    query<OutboxRow>(env.DATABASE_FILE, `SELECT * FROM outbox WHERE kind = 'safeguarding-alert'`).find(
      (r) => r.status === 'delivered',
    ),
  );
  const exited = new Promise((r) => first.proc.once('exit', r));
  first.proc.kill('SIGKILL');
  await exited;

  const [summary] = query<OutboxRow>(env.DATABASE_FILE, `SELECT * FROM outbox WHERE kind = 'duty-summary'`);
  // other rows may be in flight at the kill too (the alert's notices go in parallel): each of those is
  // posted at most once more
  const inFlight = new Set(
    query<OutboxRow>(env.DATABASE_FILE, 'SELECT * FROM outbox WHERE in_flight_at IS NOT NULL').map(
      (r) => r.id,
    ),
  );
  expect(summary).toMatchObject({ status: 'pending', attempts: 1 });
  expect(summary!.in_flight_at).not.toBeNull();
  expect(c.posted.filter((p) => p.accepted && threadsIn([p], DUTY).length === 1)).toEqual([taken]);

  // the same database, a new process
  const second = await startBotProcess(env);
  child = second.proc;
  const rows = await until(
    'every delivery made after the restart',
    () => {
      const r = query<OutboxRow>(env.DATABASE_FILE, 'SELECT * FROM outbox');
      return r.length >= 3 && r.every((x) => x.status === 'delivered') ? r : undefined;
    },
    20_000,
  );
  const counts = takenCounts(c.posted);
  // the summary twice (the one duplicate, with the same delivery id); anything else in flight at the
  // kill once or twice (the kill may have come before its post left); the rest once
  for (const r of rows) {
    const taken = counts.get(r.id);
    if (r.kind === 'duty-summary') expect(taken, r.kind).toBe(2);
    else if (inFlight.has(r.id)) expect([1, 2], r.kind).toContain(taken);
    else expect(taken, r.kind).toBe(1);
  }
  expect(rows.find((r) => r.kind === 'duty-summary')).toMatchObject({ attempts: 2, in_flight_at: null });
  const interrupted = query<AuditRowRaw>(
    env.DATABASE_FILE,
    `SELECT * FROM audit WHERE action = 'delivery-interrupted'`,
  );
  const interruptedIds = interrupted.map((a) => JSON.parse(a.detail_json).deliveryId as string);
  expect(interruptedIds).toContain(summary!.id);
  for (const id of interruptedIds) expect(inFlight.has(id)).toBe(true);
  // the record itself is there once
  expect(query(env.DATABASE_FILE, 'SELECT id FROM duty_calls')).toHaveLength(1);
}, 60_000); // two child processes start (about 3 s each on a loaded 2-core machine), on top of the walk
