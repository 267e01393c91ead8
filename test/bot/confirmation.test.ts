/**
 * Issue 9 item 5, after Submit: one confirmation card (the reference, what happens next and when, who was
 * told, the summary and the draft referral behind Show, the text for the clinical record to copy), through
 * the real bot over HTTP.
 */
import { afterEach, expect, test } from 'vitest';
import { RECORD_LINE_CHARS } from '../../src/views/confirmation-view';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cards,
  cardText,
  press,
  type Reply,
  startTestBot,
  type TestBot,
  walkTo,
} from '../harness/bot';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const CHANNELS = {
  DUTY_TEAM_ID: '19:duty-team@thread.tacv2',
  DUTY_CHANNEL_ID: '19:duty-channel@thread.tacv2',
  SAFEGUARDING_TEAM_ID: '19:safeguarding-team@thread.tacv2',
  SAFEGUARDING_CHANNEL_ID: '19:safeguarding-channel@thread.tacv2',
};

async function submit(
  opts: {
    env?: Record<string, string>;
    kind?: 'advice';
    answers?: Record<string, Record<string, string>>;
  } = {},
): Promise<{ replies: Reply[]; card: Card; text: string; draftId: string }> {
  bot = await startTestBot({
    now: () => new Date('2026-11-03T10:00:00Z'),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const answers = opts.answers ?? (opts.kind === 'advice' ? ADVICE_CALL : FULL_CALL);
  const review = await walkTo(bot, 'review', answers, opts.kind ? { kind: 'advice' } : {});
  const data = press(review, opts.kind ? 'Submit the advice call' : 'Submit the duty call');
  const replies = await bot.submit(data);
  const all = cards(replies);
  expect(all).toHaveLength(1);
  const card = all[0]!;
  return { replies, card, text: cardText(card), draftId: String(data.draftId) };
}

/** Every element with an id, and every Show/Hide action's targets. */
function toggles(card: Card): { titles: string[]; targets: string[]; ids: string[] } {
  const ids: string[] = [];
  const titles: string[] = [];
  const targets: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.id === 'string') ids.push(o.id);
    if (o.type === 'Action.ToggleVisibility') {
      titles.push(String(o.title));
      targets.push(...(o.targetElements as string[]));
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(card.body);
  return { titles, targets, ids };
}

/** The record text: in the card's copy box, or in the code blocks that follow it. */
function recordText(replies: Reply[], card: Card): string {
  const box = JSON.stringify(card).match(/"id":"recordText"[^}]*?"value":("(?:[^"\\]|\\.)*")/);
  if (box) return JSON.parse(box[1]!) as string;
  return replies
    .filter((r) => r.text?.startsWith('```'))
    .map((r) => r.text!.replace(/^```\n|\n```$/g, ''))
    .join('\n');
}

test('a duty call ends with one card: reference, what happens next and when, who was told, Show summary and referral, the record text to copy', async () => {
  const { replies, card, text, draftId } = await submit({ env: CHANNELS });
  expect(text).toContain('Duty call submitted');
  expect(text).toMatch(/Reference: IMH-[A-Z2-9]{6}/);
  // what happens next, and when
  expect(text).toContain('What happens next');
  expect(text).toContain('gives the eligibility indication');
  expect(text).toMatch(/formal written referral, in your own words/);
  expect(text).toMatch(/7 days after the call, I will remind you/);
  expect(text).toContain('weekly allocations meeting');
  // who was told: the duty team through its channel; no alert for this call
  expect(text).toContain('Who has been told');
  expect(text).toContain('The IMH duty team: Your summary is being posted to their Teams channel now');
  expect(text).not.toContain('safeguarding leads');
  // the documents behind Show, each toggle's target on the card and hidden
  const t = toggles(card);
  expect(t.titles).toEqual(['Show summary', 'Show draft referral']);
  for (const target of t.targets) expect(t.ids).toContain(target);
  expect(text).toContain('duty call summary');
  expect(text).toContain('Draft referral to');
  expect(text).toContain(FULL_CALL.referral!.reason!);
  // the text for the clinical record, complete, with no line longer than a narrow screen
  const record = recordText(replies, card);
  expect(record).toContain('Reason for referral:');
  expect(record).toContain(FULL_CALL.referral!.reason!.split(' ')[0]);
  for (const line of record.split('\n')) expect(line.length).toBeLessThanOrEqual(RECORD_LINE_CHARS);
  expect(record.split('\n').length).toBeGreaterThan(50);
  // the buttons to go on, and no internal ids
  expect(text).toContain('[Start a duty call]');
  expect(text).toContain('[Advice only]');
  expect(JSON.stringify(replies)).not.toContain(draftId);
});

test('with no duty channel set the card says the summary waits, unseen, and to phone if urgent', async () => {
  const { text } = await submit();
  expect(text).toContain('waiting for the IMH duty channel to be set up: the duty team cannot see it yet');
  expect(text).toMatch(/urgent, phone the IMH advice line on 0116/);
  expect(text).not.toContain('being posted to their Teams channel');
});

test('an advice call says the duty practitioner will phone, and has no referral', async () => {
  const { replies, card, text } = await submit({ env: CHANNELS, kind: 'advice' });
  expect(text).toContain('Advice call submitted');
  expect(text).toMatch(/Reference: IMH-[A-Z2-9]{6}/);
  expect(text).toMatch(
    /advice-only call: no referral has been drafted\. The IMH duty practitioner will phone you/,
  );
  expect(toggles(card).titles).toEqual(['Show summary']);
  expect(text).not.toContain('Draft referral to');
  for (const line of recordText(replies, card).split('\n')) expect(line.length).toBeLessThanOrEqual(64);
});

test('possible harm: the card says what to do now and names the safeguarding leads as told', async () => {
  // possible harm raises the safeguarding-referral prompt: say it was phoned
  const answers = {
    ...FULL_CALL,
    risk: { ...FULL_CALL.risk!, harmToBaby: 'yes' },
    pickUpThePhone: {
      ...FULL_CALL.pickUpThePhone!,
      'safeguarding-referral.status': 'phoned',
      'safeguarding-referral.notes':
        'Alex Front, social worker, Testshire Children’s Front Door, 0116 454 1004.',
    },
  };
  const { text } = await submit({ env: CHANNELS, answers });
  expect(text).toContain('What you should do now');
  expect(text).toContain('call 999');
  expect(text).toMatch(/The safeguarding leads: They were alerted about this call while you were on it/);
  expect(text).toContain('That does not replace your own safeguarding procedure');
});
