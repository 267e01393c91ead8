import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Activity } from 'botbuilder';
import { afterEach, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { ConnectorError } from '../../src/delivery/connector-http';
import { Scheduler } from '../../src/delivery/scheduler';
import { SharedRateLimiter } from '../../src/delivery/shared-rate-limit';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/delivery/worker';
import { todayInTimeZone } from '../../src/domain/age';
import { foldEvents } from '../../src/domain/call-state';
import type { DeliveryKind, DeliveryTarget } from '../../src/domain/deliveries';
import { createLogger } from '../../src/logger';
import { ChannelRegistry } from '../../src/records/channels';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { deliveryById, Outbox } from '../../src/records/outbox';
import { PostStamps } from '../../src/records/post-stamps';
import { RecordEvents } from '../../src/records/record-events';
import { dueRows, type ScheduleKind, type ScheduleRow } from '../../src/records/record-schedule';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { FULL_CALL } from '../fixtures/answers';
import { submitted } from '../fixtures/calls';
import { mostIn } from '../harness/faults';
import { ADMIN, CHANNEL_ENV, DUTY, SAFEGUARDING, until } from '../harness/service';
import { alertDelivered, storeCall } from '../scheduler/support';

/**
 * Several instances of the bot on one database (issue 11): each delivery worker claims a row before it
 * posts it, so a post is made once however many workers read the queue, a conversation's posts still go
 * one at a time in order, and a worker starting beside a live one does not take the other's posts under
 * way for posts a crash interrupted.
 */

const config = loadConfig({
  APP_ENV: 'test',
  ...CHANNEL_ENV,
  TEAMS_SERVICE_URL: 'http://127.0.0.1:9/',
});

interface Post {
  readonly id: string;
  readonly by: string;
  readonly channel: string;
  readonly start: number;
  end: number;
}

/** The Teams connector both instances post to: it takes each post after a few milliseconds. */
function standIn(delayMs: () => number) {
  const posts: Post[] = [];
  let n = 0;
  const connector = (by: string): DeliveryWorkerOptions['connector'] => ({
    createThread: async (_url, channel, _tenant, activity, signal) => {
      const post: Post = {
        id: String(activity.text),
        by,
        channel,
        start: performance.now(),
        end: 0,
      };
      posts.push(post);
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs());
        // a stopping worker abandons its post, as the real client does
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new ConnectorError('retryable', undefined, 'stopped'));
        });
      });
      post.end = performance.now();
      n++;
      return {
        conversationId: `${channel};messageid=${n}`,
        activityId: String(n),
      };
    },
    send: async () => ({ activityId: undefined }),
  });
  return { posts, connector };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-instances-'));
  cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'bot.sqlite');
}

/** One instance: its own connection to the file and its own worker, as a second process would have. */
function instance(
  file: string,
  connector: DeliveryWorkerOptions['connector'],
  extra: Partial<DeliveryWorkerOptions> = {},
) {
  const db = openDatabase(file);
  const logs: Record<string, unknown>[] = [];
  const outbox = new Outbox(db);
  const worker = new DeliveryWorker({
    channels: new ChannelRegistry(new SqliteSql(db), config),
    // drawn from the row as it is now, as renderDelivery is
    *render(d) {
      const row = yield* deliveryById(d.id);
      return { type: 'message', text: row?.id } as Partial<Activity>;
    },
    connector,
    now: () => new Date(),
    logger: createLogger('info', {
      write: (line: string) => void logs.push(JSON.parse(line)),
    }),
    newId: randomUUID,
    tenantId: config.TENANT_ID,
    giveUpMinutes: 60,
    pollMs: 10,
    sql: new SqliteSql(db),
    // as app-host.ts: Teams' limits kept for all instances together
    limiter: new SharedRateLimiter(new PostStamps(new SqliteSql(db))),
    ...extra,
  });
  cleanup.push(async () => {
    await worker.stop();
    db.close();
  });
  const events = (event: string) => logs.filter((l) => l.event === event);
  return { db, outbox, worker, events };
}

const auditOf = (db: Database.Database, action: string) =>
  (db.prepare('SELECT detail_json FROM audit WHERE action = ?').pluck().all(action) as string[]).map(
    (j) => JSON.parse(j) as Record<string, unknown>,
  );

function enqueue(outbox: Outbox, n: number): { id: string; kind: DeliveryKind; channel: string }[] {
  const queued: { id: string; kind: DeliveryKind; channel: string }[] = [];
  const now = new Date();
  for (let i = 0; i < n; i++) {
    // summaries into the duty channel (one at a time, in order), alerts (in parallel), admin notices
    const [kind, target, channel]: [DeliveryKind, DeliveryTarget, string] =
      i % 5 === 0
        ? ['safeguarding-alert', { type: 'channel', role: 'safeguarding' }, SAFEGUARDING]
        : i % 5 === 1
          ? ['delivery-failed', { type: 'channel', role: 'admin' }, ADMIN]
          : ['duty-summary', { type: 'channel', role: 'duty' }, DUTY];
    const id = `d-${String(i).padStart(3, '0')}`;
    outbox.enqueue({ id, kind, target }, now, 60);
    queued.push({ id, kind, channel });
  }
  return queued;
}

test('[HAZ-16] two instances on one database: each of 50 deliveries is posted once, a channel one post at a time in queue order', async () => {
  const file = tempFile();
  const { posts, connector } = standIn(() => 2 + Math.floor(Math.random() * 12));
  const a = instance(file, connector('a'));
  const b = instance(file, connector('b'));
  const queued = enqueue(a.outbox, 50);
  a.worker.start();
  b.worker.start();
  await until(
    'every delivery made',
    () => queued.every((q) => a.outbox.get(q.id)?.status === 'delivered'),
    20_000,
  );

  const taken = new Map<string, number>();
  for (const p of posts) taken.set(p.id, (taken.get(p.id) ?? 0) + 1);
  expect([...taken.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(taken.size).toBe(50);

  // the duty channel's posts: never two under way at once, and in the order they were queued
  const duty = posts.filter((p) => p.channel === DUTY);
  for (let i = 1; i < duty.length; i++) expect(duty[i]!.start).toBeGreaterThanOrEqual(duty[i - 1]!.end);
  expect(duty.map((p) => p.id)).toEqual(queued.filter((q) => q.channel === DUTY).map((q) => q.id));
  // both instances did some of the work (otherwise this test proves nothing about two)
  expect(posts.filter((p) => p.by === 'a').length).toBeGreaterThan(0);
  expect(posts.filter((p) => p.by === 'b').length).toBeGreaterThan(0);
}, 30_000);

test('an instance starting beside a live one does not call the other’s posts under way interrupted', async () => {
  const file = tempFile();
  // slow posts: several are under way when the second instance starts
  const { posts, connector } = standIn(() => 150);
  const a = instance(file, connector('a'));
  const queued = enqueue(a.outbox, 10);
  a.worker.start();
  await until('posts under way', () => posts.length >= 2);
  const b = instance(file, connector('b'));
  b.worker.start();
  await until(
    'every delivery made',
    () => queued.every((q) => a.outbox.get(q.id)?.status === 'delivered'),
    20_000,
  );
  const interrupted = a.db
    .prepare(`SELECT COUNT(*) FROM audit WHERE action = 'delivery-interrupted'`)
    .pluck()
    .get();
  expect(interrupted).toBe(0);
  const taken = new Map<string, number>();
  for (const p of posts) taken.set(p.id, (taken.get(p.id) ?? 0) + 1);
  expect([...taken.values()].every((n) => n === 1)).toBe(true);
  expect(taken.size).toBe(10);
}, 30_000);

test('[HAZ-16] a post left under way by an instance that died is taken over once its claim runs out, made once more, and noted interrupted', async () => {
  const file = tempFile();
  const { posts, connector } = standIn(() => 2);
  const b = instance(file, connector('b'), { leaseMs: 1_000 });
  const [queued] = enqueue(b.outbox, 1);
  // the dead instance's doing: claimed for 600 ms, marked in flight, then nothing more from it
  const row = b.outbox.get(queued!.id)!;
  const claimedAt = performance.now();
  expect(b.outbox.claim(row, 'worker-dead', new Date(), new Date(Date.now() + 600))).toBe(true);
  expect(b.outbox.markInFlight(row.id, new Date(), 'worker-dead')).toBe(true);
  b.worker.start();
  await new Promise((r) => setTimeout(r, 300));
  // the claim is live: the other instance may still be posting it
  expect(posts).toEqual([]);
  await until('taken over', () => b.outbox.get(row.id)?.status === 'delivered');
  expect(posts.map((p) => p.id)).toEqual([row.id]);
  expect(posts[0]!.start - claimedAt).toBeGreaterThanOrEqual(590);
  expect(auditOf(b.db, 'delivery-interrupted')).toEqual([
    expect.objectContaining({ deliveryId: row.id, attempt: 1 }),
  ]);
  expect(b.outbox.get(row.id)).toMatchObject({
    attempts: 2,
    inFlightAt: undefined,
    claimedBy: undefined,
  });
}, 15_000);

test('a post that takes longer than the lease keeps its claim (renewed while under way): the other instance never takes it over', async () => {
  const file = tempFile();
  // each post takes 2.5 leases; renewed every third of one, so only a stall of two thirds of a lease
  // (a loaded CI machine's worst) could lose it
  const { posts, connector } = standIn(() => 2_500);
  const a = instance(file, connector('a'), { leaseMs: 1_000 });
  const b = instance(file, connector('b'), { leaseMs: 1_000 });
  const queued = enqueue(a.outbox, 3);
  a.worker.start();
  b.worker.start();
  await until(
    'every delivery made',
    () => queued.every((q) => a.outbox.get(q.id)?.status === 'delivered'),
    15_000,
  );
  expect(posts.map((p) => p.id).sort()).toEqual(queued.map((q) => q.id).sort());
  expect(auditOf(a.db, 'delivery-interrupted')).toEqual([]);
  expect([...a.events('delivery-lease-lost'), ...b.events('delivery-lease-lost')]).toEqual([]);
}, 20_000);

test('a stopping instance gives its claims back: the post it abandoned is taken over at once, not after the lease', async () => {
  const file = tempFile();
  let hang = true;
  const { posts, connector } = standIn(() => (hang ? 60_000 : 2));
  const a = instance(file, connector('a'), { leaseMs: 60_000 });
  const [queued] = enqueue(a.outbox, 1);
  a.worker.start();
  await until('the post under way', () => posts.length === 1);
  hang = false;
  await a.worker.stop();
  expect(a.outbox.get(queued!.id)).toMatchObject({
    status: 'pending',
    claimedBy: undefined,
  });
  expect(a.outbox.get(queued!.id)!.inFlightAt).toBeDefined();
  const b = instance(file, connector('b'), { leaseMs: 60_000 });
  b.worker.start();
  await until('taken over', () => b.outbox.get(queued!.id)?.status === 'delivered', 5_000);
  expect(posts.map((p) => p.by)).toEqual(['a', 'b']);
  expect(auditOf(b.db, 'delivery-interrupted')).toEqual([
    expect.objectContaining({ deliveryId: queued!.id }),
  ]);
}, 15_000);

test('an instance whose claim was taken over does not record its post’s failure over the new claimant’s', async () => {
  const file = tempFile();
  let fail: (() => void) | undefined;
  const a = instance(
    file,
    {
      createThread: (_u, _c, _t, _a, signal) =>
        new Promise((_, reject) => {
          fail = () => reject(new ConnectorError('retryable', 500, 'http 500'));
          signal?.addEventListener('abort', () =>
            reject(new ConnectorError('retryable', undefined, 'stopped')),
          );
        }),
      send: async () => ({ activityId: undefined }),
    },
    { leaseMs: 60_000 },
  );
  const [queued] = enqueue(a.outbox, 1);
  a.worker.start();
  await until('the post under way', () => fail);
  // meanwhile A stalled past its lease and B took the post over (as B's claim would, once A's ran out)
  a.db
    .prepare(`UPDATE outbox SET claimed_by = 'worker-b', claimed_until = ? WHERE id = ?`)
    .run(new Date(Date.now() + 60_000).toISOString(), queued!.id);
  fail!();
  await until('the failure seen', () => a.events('delivery-lease-lost').length > 0);
  expect(a.events('delivery-lease-lost')).toEqual([
    expect.objectContaining({ deliveryId: queued!.id, when: 'at-outcome' }),
  ]);
  // B's claim stands, and A scheduled no retry of it
  expect(a.outbox.get(queued!.id)).toMatchObject({
    status: 'pending',
    claimedBy: 'worker-b',
  });
  expect(auditOf(a.db, 'delivery-attempt')).toEqual([]);
}, 15_000);

test('Teams’ per-conversation limits hold across two instances together, not per instance', async () => {
  const file = tempFile();
  const { posts, connector } = standIn(() => 1);
  const a = instance(file, connector('a'));
  const b = instance(file, connector('b'));
  // 24 posts into the duty channel: at 7 a second (8 in 2 s) from one instance this takes about 3 s
  const queued = enqueue(a.outbox, 40).filter((q) => q.channel === DUTY);
  a.worker.start();
  b.worker.start();
  await until(
    'every duty post made',
    () => queued.every((q) => a.outbox.get(q.id)?.status === 'delivered'),
    20_000,
  );
  const duty = posts.filter((p) => p.channel === DUTY);
  expect(duty).toHaveLength(queued.length);
  expect(new Set(duty.map((p) => p.by)).size).toBe(2);
  // the starts, as Teams would count them (the first post of a window may start before the last ends)
  const starts = duty.map((p) => p.start);
  expect(mostIn(starts, 1_000)).toBeLessThanOrEqual(7);
  expect(mostIn(starts, 2_000)).toBeLessThanOrEqual(8);
}, 30_000);

test('[HAZ-23] two instances’ schedulers at the same moment, the second on what it read before the first wrote: each escalation and reminder once', async () => {
  const file = tempFile();
  const submittedAt = new Date('2026-11-20T11:00:00Z');
  let clock = submittedAt;
  const schedulerOn = (db: Database.Database) => {
    let ids = 0;
    const outbox = new Outbox(db);
    const events = new RecordEvents(new SqliteSql(db));
    const scheduler = new Scheduler({
      sql: new SqliteSql(db),
      logger: createLogger('silent'),
      now: () => clock,
      newId: () => `${db.name}-${++ids}-${randomUUID()}`,
      wake: () => {},
      escalationMinutes: 30,
      reminderDays: 7,
      giveUpMinutes: 60,
      today: (d) => todayInTimeZone(d),
    });
    return { outbox, events, scheduler };
  };
  const dbA = openDatabase(file);
  const dbB = openDatabase(file);
  cleanup.push(async () => {
    dbA.close();
    dbB.close();
  });
  const a = schedulerOn(dbA);
  const b = schedulerOn(dbB);
  // an alerted call (escalated after 30 minutes) and one whose referral is late (reminded after 7 days)
  alertDelivered(new DutyCallRecords(new SqliteSql(dbA)), a.outbox, 'alerted', submittedAt, submittedAt);
  storeCall(new DutyCallRecords(new SqliteSql(dbA)), 'late', submitted('full', FULL_CALL), submittedAt);

  for (const at of [31 * 60_000, 8 * 24 * 3_600_000]) {
    clock = new Date(submittedAt.getTime() + at);
    // B reads what is due, then A ticks and commits, then B acts on what it read (another process's race)
    const dueOnB = new SqliteSql(dbB);
    const stale = {
      escalation: await dueOnB.transact(dueRows('escalation', clock, 50)),
      reminder: await dueOnB.transact(dueRows('reminder', clock, 50)),
    };
    expect(stale.escalation.length + stale.reminder.length).toBeGreaterThan(0);
    await a.scheduler.tick();
    (b.scheduler as unknown as { due: (kind: ScheduleKind) => Promise<ScheduleRow[]> }).due = async (kind) =>
      stale[kind as keyof typeof stale];
    await b.scheduler.tick();
  }
  const posts = (kind: string) =>
    [...a.outbox.forRecord('alerted'), ...a.outbox.forRecord('late')].filter((d) => d.kind === kind);
  // round 1 at 31 minutes, round 2 on the 8-day tick (one round on a tick after a long wait): each once
  expect(posts('alert-escalation').map((d) => d.payload.round)).toEqual([1, 2]);
  expect(foldEvents(a.events.list('alerted')).escalations).toBe(2);
  // both calls await their formal referral: one reminder each
  expect(
    posts('referral-reminder')
      .map((d) => d.recordId)
      .sort(),
  ).toEqual(['alerted', 'late']);
  expect(foldEvents(a.events.list('late')).remindersSent).toBe(1);
  expect(foldEvents(a.events.list('alerted')).remindersSent).toBe(1);
});
