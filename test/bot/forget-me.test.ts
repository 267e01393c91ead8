import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  cardText,
  draftKey,
  lastCard,
  press,
  sectionOf,
  startTestBot,
  storedState,
  TENANT,
  type TestBot,
  values,
  walkTo,
} from '../harness/bot';

const REFERRER = { ...FULL_CALL.referrer!, organisation: 'North team', phone: '0116 555 0777' };

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

async function submitOne(): Promise<void> {
  const review = await walkTo(bot, 'review', { ...FULL_CALL, referrer: REFERRER });
  await bot.submit(press(review, 'Submit the duty call'));
  expect(bot.sql('SELECT value FROM bot_state')[0]).toMatchObject({
    value: expect.stringContaining('North team'),
  });
}

const stored = () => bot.sql<{ value: string }>('SELECT value FROM bot_state WHERE key = ?', draftKey());

describe('forget me', () => {
  test('deletes the remembered referrer profile at once: the next call starts without it', async () => {
    await submitOne();
    const card = lastCard(await bot.say('forget me'));
    const text = cardText(card);
    expect(text).toContain('Your details are deleted');
    expect(text).toContain('I have deleted the details I remembered from your last call');
    // honest about what it does not delete
    expect(text).toContain('Calls you have submitted are part of the IMH service');
    expect(text).toContain('kept for 26 years');
    expect(stored()).toEqual([]);
    // the list of recent calls, kept in a row of its own, goes too
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);

    const next = lastCard(await bot.say('start'));
    expect(sectionOf(next)).toBe('referrer');
    expect(values(next)).not.toMatchObject({ organisation: 'North team' });
    expect(values(next).phone ?? '').not.toBe('0116 555 0777');
    // the submitted record is untouched
    expect(bot.sql('SELECT id FROM duty_calls')).toHaveLength(1);
  });

  test('keeps a call in progress, says so, and still forgets the profile', async () => {
    await submitOne();
    await walkTo(bot, 'relationship', FULL_CALL);
    const before = storedState(bot)!.current!;
    const card = lastCard(await bot.say('Forget me.'));
    const text = cardText(card);
    expect(text).toContain('Your call in progress is kept');
    expect(text).toContain('type **cancel** to discard it too');
    expect(text).toContain('untouched for 30 days is deleted');
    const after = JSON.parse(stored()[0]!.value) as Record<string, unknown>;
    expect(after.current).toMatchObject({ id: before.id, answers: before.answers });
    expect(after).not.toHaveProperty('lastReferrer');
    expect(storedState(bot)!.closed).toEqual([]);
    // the draft carries on
    const resumed = lastCard(await bot.say('resume'));
    expect(sectionOf(resumed)).toBe('relationship');
  });

  test('with nothing remembered it says so and stores nothing', async () => {
    const text = cardText(lastCard(await bot.say('forget me')));
    expect(text).toContain('I had no details of yours remembered');
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });

  test('is audited with ids only', async () => {
    await submitOne();
    await bot.say('forget me');
    const rows = bot.sql<{
      actor_id: string;
      outcome: string;
      detail_json: string;
      record_id: string | null;
    }>("SELECT actor_id, outcome, detail_json, record_id FROM audit WHERE action = 'forget-me'");
    expect(rows).toEqual([
      {
        actor_id: 'aad-user-1',
        outcome: 'done',
        record_id: null,
        detail_json: '{"profile":true,"draftKept":false}',
      },
    ]);
  });

  test('is in the help list and answered in the personal chat only', async () => {
    expect(cardText(lastCard(await bot.say('help')))).toContain('**forget me**');
    const inChannel = await bot.post({
      text: 'forget me',
      conversation: { id: '19:duty@thread.tacv2', conversationType: 'channel', tenantId: TENANT },
    });
    expect(JSON.stringify(inChannel.replies)).toContain('only take them in a personal chat');
  });
});
