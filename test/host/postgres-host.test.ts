import fs from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cardText, lastCard, press, sectionOf, startTestBot, type TestBot, walkTo } from '../harness/bot';
import { cardAnswers, nextTitle } from '../harness/cards';
import { adminPool, describePostgres, TEST_DATABASE_URL, tableNames } from '../harness/postgres';
import { CHANNEL_ENV, FLAGGED_CALL, threadsIn, until } from '../harness/service';

// The whole bot on PostgreSQL (issue 11, item 1): DATABASE_URL puts the drafts, records, outbox, audit,
// channels and limits in one database, driven here through the bot's real HTTP endpoint.

describePostgres('the bot on PostgreSQL (DATABASE_URL)', () => {
  const nextSchema = tableNames('bot_host');
  let admin: pg.Pool;
  const schemas: string[] = [];
  beforeAll(() => {
    admin = adminPool();
  });
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await admin.end();
  });

  async function botOnPostgres(shared?: string): Promise<{ bot: TestBot; schema: string }> {
    const schema = shared ?? nextSchema();
    if (!shared) schemas.push(schema);
    const bot = await startTestBot({
      now: () => new Date('2026-11-23T10:00:00Z'),
      env: { ...CHANNEL_ENV, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema },
      host: { delivery: { pollMs: 20 } },
    });
    return { bot, schema };
  }

  it('[HAZ-16] a flagged call is recorded once there, its alert and summary posted; a draft outlives a restart; /healthz names the store', async () => {
    const { bot, schema } = await botOnPostgres();
    try {
      const review = await walkTo(bot, 'review', FLAGGED_CALL);
      const done = lastCard(await bot.submit(press(review, 'Submit the duty call')));
      expect(cardText(done)).toContain('IMH-');
      // posted by the delivery worker from the outbox in PostgreSQL
      await until('the alert and the summary', () => {
        const posted = bot.connector.posted.filter((p) => p.accepted);
        return (
          threadsIn(posted, CHANNEL_ENV.SAFEGUARDING_CHANNEL_ID!).length === 1 &&
          threadsIn(posted, CHANNEL_ENV.DUTY_CHANNEL_ID!).length === 1
        );
      });
      const count = async (table: string) =>
        Number((await admin.query(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0].n);
      expect(await count('duty_calls')).toBe(1);
      // the alert raised at the risk save, taken over by the record at submit
      const alerts = await admin.query(`SELECT record_id FROM "${schema}".draft_alerts`);
      expect(alerts.rows).toHaveLength(1);
      expect(alerts.rows[0].record_id).toBeTruthy();
      // marked delivered once each post's answer is back (a moment after the stand-in took it)
      const statusesOf = async () =>
        (
          await admin.query(
            `SELECT kind, status FROM "${schema}".outbox WHERE kind IN ('duty-summary', 'safeguarding-alert') ORDER BY kind`,
          )
        ).rows;
      const end = Date.now() + 10_000;
      while ((await statusesOf()).some((r) => r.status !== 'delivered') && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await statusesOf()).toEqual([
        { kind: 'duty-summary', status: 'delivered' },
        { kind: 'safeguarding-alert', status: 'delivered' },
      ]);
      // no SQLite file was made: nothing of the call is kept on this instance's disk
      expect(fs.existsSync(bot.config.DATABASE_FILE)).toBe(false);

      // a second call, stopped part-way, is there after a restart (another instance would see it too)
      await walkTo(bot, 'relationship', FLAGGED_CALL);
      await bot.restart();
      const resumed = lastCard(await bot.say('resume'));
      expect(cardText(resumed)).toContain('Welcome back: here is where you left off.');
      expect(sectionOf(resumed)).toBe('relationship');

      const health = (await (await fetch(`${bot.url}/healthz`)).json()) as {
        storage: Record<string, unknown>;
      };
      expect(health.storage).toMatchObject({
        records: 'postgres',
        drafts: 'postgres',
        ready: true,
        checkpoints: 'server',
      });
    } finally {
      await bot.close();
    }
  });

  it('[HAZ-16] two instances on one database: a call started on one is resumed and submitted on the other, its alert posted once', async () => {
    const { bot: a, schema } = await botOnPostgres();
    const { bot: b } = await botOnPostgres(schema);
    try {
      await walkTo(a, 'risk', FLAGGED_CALL);
      // the next turn lands on the other instance (a load balancer's choice)
      const resumed = lastCard(await b.say('resume'));
      expect(sectionOf(resumed)).toBe('risk');
      let review = resumed;
      for (let i = 0; i < 10 && sectionOf(review) !== 'review'; i++) {
        review = lastCard(
          await b.submit(press(review, nextTitle(review), cardAnswers(review, FLAGGED_CALL))),
        );
      }
      expect(sectionOf(review)).toBe('review');
      const done = lastCard(await b.submit(press(review, 'Submit the duty call')));
      expect(cardText(done)).toContain('IMH-');
      // both instances' workers look at the one outbox: each post is made once, by one of them
      await until('the summary', () =>
        [...a.connector.posted, ...b.connector.posted].some(
          (p) => p.accepted && threadsIn([p], CHANNEL_ENV.DUTY_CHANNEL_ID!).length === 1,
        ),
      );
      await new Promise((r) => setTimeout(r, 500));
      const alerts = [...a.connector.posted, ...b.connector.posted].filter(
        (p) => p.accepted && threadsIn([p], CHANNEL_ENV.SAFEGUARDING_CHANNEL_ID!).length === 1,
      );
      expect(alerts).toHaveLength(1);
      const rows = await admin.query(`SELECT count(*) AS n FROM "${schema}".duty_calls`);
      expect(Number(rows.rows[0].n)).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
