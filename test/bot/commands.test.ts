import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardAnswers,
  cards,
  cardText,
  lastCard,
  press,
  type Reply,
  sectionOf,
  startTestBot,
  storedState,
  TENANT,
  type TestBot,
  values,
  visibleInputs,
  walkTo,
} from '../harness/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

function buttonTitles(card: Card): string[] {
  return (card.actions ?? []).map((a) => a.title);
}

function text(replies: Reply[]): string {
  return cards(replies).map(cardText).join('\n---\n');
}

const installed = (conversation: Record<string, unknown>, membersAdded: { id: string }[]) => ({
  type: 'conversationUpdate',
  text: undefined,
  membersAdded,
  conversation,
});

describe('welcome', () => {
  test('adding the bot in a personal chat gets the welcome card with Start, Advice and Help', async () => {
    const { status, replies } = await bot.post(
      installed({ id: 'a:personal-user-1', conversationType: 'personal', tenantId: TENANT }, [
        { id: '28:bot' },
      ]),
    );
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    const card = lastCard(replies);
    expect(cardText(card)).toContain('Welcome to the Test IMH Service duty line');
    expect(cardText(card)).toContain('45-minute IMH duty call');
    expect(buttonTitles(card)).toEqual(['Start a duty call', 'Advice only', 'Help']);
    // the buttons work
    const started = lastCard(await bot.submit(press(card, 'Start a duty call')));
    expect(sectionOf(started)).toBe('referrer');
  });

  test('someone else joining, or the bot added to a group chat, gets no welcome', async () => {
    const other = await bot.post(
      installed({ id: 'a:personal-user-1', conversationType: 'personal', tenantId: TENANT }, [
        { id: '29:someone-else' },
      ]),
    );
    expect(other.status).toBe(200);
    expect(other.replies).toEqual([]);
    const group = await bot.post(
      installed({ id: '19:group@thread.v2', conversationType: 'groupChat', tenantId: TENANT }, [
        { id: '28:bot' },
      ]),
    );
    expect(group.replies).toEqual([]);
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });

  test('hello with a call in progress offers Resume instead of Start', async () => {
    await bot.say('start');
    const card = lastCard(await bot.say('Hello!'));
    expect(cardText(card)).toContain('Welcome to the Test IMH Service duty line');
    expect(buttonTitles(card)).toEqual(['Resume', 'Status', 'Help']);
  });
});

describe('help and status', () => {
  test('help lists the commands and the advice line', async () => {
    const card = lastCard(await bot.say('help'));
    const t = cardText(card);
    expect(t).toContain('What you can type');
    for (const word of ['**start**', '**advice**', '**resume**', '**status**', '**cancel**', '**help**']) {
      expect(t).toContain(word);
    }
    expect(t).toContain('call the advice line on 0116 111 2222');
    expect(buttonTitles(card)).toEqual(['Start a duty call', 'Advice only']);
    // the Help button on other cards gives the same
    expect(cardText(lastCard(await bot.submit({ verb: 'call.help' })))).toContain('What you can type');
  });

  test('status with no call in progress says so and offers to start', async () => {
    const card = lastCard(await bot.say('status'));
    expect(cardText(card)).toContain('You have no duty call in progress.');
    expect(buttonTitles(card)).toEqual(['Start a duty call', 'Advice only']);
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });

  test('status with a call in progress shows where it is, and offers resume and cancel', async () => {
    await walkTo(bot, 'relationship', FULL_CALL);
    const card = lastCard(await bot.say('STATUS.'));
    expect(cardText(card)).toContain('Step 3 of 7 · 0 of 45 minutes · key points covered 0 of 6');
    expect(buttonTitles(card)).toEqual(['Resume', 'Cancel the draft']);
    expect(sectionOf(lastCard(await bot.submit(press(card, 'Resume'))))).toBe('relationship');
  });
});

describe('cancel', () => {
  test('cancel asks first; "Keep it and resume" keeps the draft as it was', async () => {
    await walkTo(bot, 'relationship', FULL_CALL);
    const before = storedState(bot)!.current!;
    const confirm = lastCard(await bot.say('cancel'));
    expect(cardText(confirm)).toContain('Discard this draft?');
    expect(cardText(confirm)).toContain('Step 3 of 7');
    expect(buttonTitles(confirm)).toEqual(['Discard the draft', 'Keep it and resume']);
    // asking changes nothing
    expect(storedState(bot)!.current).toMatchObject({ id: before.id, answers: before.answers });

    const kept = lastCard(await bot.submit(press(confirm, 'Keep it and resume')));
    expect(sectionOf(kept)).toBe('relationship');
    const stored = storedState(bot)!;
    expect(stored.current).toMatchObject({ id: before.id, answers: before.answers, at: 'relationship' });
    expect(stored.closed).toEqual([]);
    const back = lastCard(await bot.submit(press(kept, 'Back')));
    expect(values(back)).toMatchObject({ 'family.infantName': FULL_CALL.family!.infantName });
  });

  test('"Discard the draft" discards it', async () => {
    await walkTo(bot, 'relationship', FULL_CALL);
    const id = storedState(bot)!.current!.id;
    const confirm = lastCard(await bot.say('cancel'));
    const done = lastCard(await bot.submit(press(confirm, 'Discard the draft')));
    expect(cardText(done)).toContain('Draft discarded');
    expect(buttonTitles(done)).toEqual(['Start a duty call', 'Advice only']);
    const stored = storedState(bot)!;
    expect(stored.current).toBeNull();
    expect(stored.closed).toEqual([expect.objectContaining({ id, status: 'cancelled' })]);
    expect(JSON.stringify(stored)).not.toContain(FULL_CALL.family!.infantName);
    expect(cardText(lastCard(await bot.say('status')))).toContain('You have no duty call in progress.');
    expect(cardText(lastCard(await bot.say('resume')))).toContain('Nothing to resume');
    // a new start is a new, empty draft
    const fresh = lastCard(await bot.say('start'));
    expect(sectionOf(fresh)).toBe('referrer');
    expect(storedState(bot)!.current).toMatchObject({ saved: [], answers: {} });
    expect(storedState(bot)!.current!.id).not.toBe(id);
  });

  test('cancel with nothing in progress says so', async () => {
    const card = lastCard(await bot.say('cancel'));
    expect(cardText(card)).toContain('Nothing to cancel');
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });
});

describe('start', () => {
  test('start while a draft exists offers resume or cancel and does not replace it', async () => {
    await walkTo(bot, 'relationship', FULL_CALL);
    const before = storedState(bot)!.current!;
    for (const ask of [
      () => bot.say('start'),
      () => bot.say('advice'),
      () => bot.submit({ verb: 'call.start' }),
    ]) {
      const card = lastCard(await ask());
      expect(cardText(card)).toContain('You already have a call in progress');
      expect(cardText(card)).toContain('Step 3 of 7');
      expect(buttonTitles(card)).toEqual(['Resume', 'Cancel the draft']);
    }
    expect(storedState(bot)!.current).toEqual(before);
  });

  test('a second start sent while the first is still being set up does not replace the first', async () => {
    const [a, b] = await Promise.all([bot.say('start'), bot.say('start')]);
    const replies = [a!, b!];
    const started = replies.filter((r) => sectionOf(lastCard(r)) === 'referrer');
    const refused = replies.filter((r) => text(r).includes('You already have a call in progress'));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const draftId = lastCard(started[0]!).actions?.find((x) => x.title === 'Next')?.data?.draftId;
    expect(storedState(bot)!.current!.id).toBe(draftId);
    // the card that was sent is the draft that was kept
    const first = lastCard(started[0]!);
    const next = lastCard(await bot.submit(press(first, 'Next', cardAnswers(first, FULL_CALL))));
    expect(sectionOf(next)).toBe('family');
  });

  test('the referrer details of the last submitted call are offered again', async () => {
    const review = await walkTo(bot, 'review', {
      ...FULL_CALL,
      referrer: { ...FULL_CALL.referrer!, organisation: 'North team', phone: '0116 555 0777' },
    });
    await bot.submit(press(review, 'Submit the duty call'));
    const card = lastCard(await bot.say('start'));
    expect(values(card)).toMatchObject({
      'referrer.organisation': 'North team',
      'referrer.phone': '0116 555 0777',
    });
    // offered as one line to confirm, not as inputs to fill again
    expect(cardText(card)).toContain('North team');
    expect(visibleInputs(card).map((i) => i.id)).toEqual(['family.stage']);
  });
});

describe('glossary and other text', () => {
  test('"what is attunement?" gives the framework definition', async () => {
    const card = lastCard(await bot.say('what is attunement?'));
    const t = cardText(card);
    expect(t).toContain('Attunement');
    expect(t).toContain('The cross-modal sharing of positive emotional states.');
    expect(t).toContain('healthy "ruptures" and "repairs" to attunement');
    expect(t).toContain('From the Infant Mental Health Competencies Framework');
  });

  test('"what is mentalisation" (UK spelling, no question mark) works', async () => {
    const t = cardText(lastCard(await bot.say('what is mentalisation')));
    expect(t).toContain('Mentalization');
    expect(t).toContain('the psychological capacity to make sense of actions and behaviours');
  });

  test('text the bot does not understand gets the list of what it answers to', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: text that looks like a template, on purpose
    for (const said of ['please send me the forms', 'what is a banana?', '${serviceName}']) {
      const card = lastCard(await bot.say(said));
      expect(cardText(card)).toContain('I did not understand that');
      expect(cardText(card)).toContain('**start**');
      expect(cardText(card)).toContain('Type **start** to begin a duty call.');
      expect(buttonTitles(card)).toEqual(['Start a duty call', 'Advice only', 'Help']);
    }
    await bot.say('start');
    const card = lastCard(await bot.say('blah'));
    expect(cardText(card)).toContain('Your call in progress is saved: type **resume** to carry on.');
    expect(buttonTitles(card)).toEqual(['Resume', 'Help']);
  });
});

describe('outside a personal chat', () => {
  const PERSONAL_ONLY =
    'Duty calls hold details about a family, so I only take them in a personal chat: open a chat with me to start one.';
  const places = {
    groupChat: {
      conversation: { id: '19:meeting-or-group@thread.v2', conversationType: 'groupChat', tenantId: TENANT },
    },
    channel: {
      conversation: {
        id: '19:general@thread.tacv2;messageid=1700000000000',
        conversationType: 'channel',
        isGroup: true,
        tenantId: TENANT,
      },
      channelData: {
        tenant: { id: TENANT },
        team: { id: '19:team@thread.tacv2' },
        channel: { id: '19:general' },
      },
    },
  };
  const mention = (text: string) => ({
    text: `<at>IMH duty bot</at> ${text}`,
    entities: [
      { type: 'mention', text: '<at>IMH duty bot</at>', mentioned: { id: '28:bot', name: 'IMH duty bot' } },
    ],
  });

  test.each(Object.entries(places))(
    'in a %s, commands and cards are refused and no state is written',
    async (place, where) => {
      // a personal draft exists for the same person: nothing done in the group may touch it
      await walkTo(bot, 'family', FULL_CALL);
      const before = bot.sql('SELECT key, etag, value FROM bot_state');
      expect(before).toHaveLength(1);
      const personalCard = lastCard(await bot.say('resume'));
      const afterResume = bot.sql('SELECT key, etag, value FROM bot_state');

      const attempts: Record<string, unknown>[] = [
        // in a channel, status and help are the channel's own commands (test/bot/channel-setup.test.ts)
        ...[
          'start',
          'advice',
          'resume',
          ...(place === 'channel' ? [] : ['status']),
          'cancel',
          ...(place === 'channel' ? [] : ['help']),
          'what is attunement?',
          'hello there',
        ].map(mention),
        { text: 'start' },
        { value: { verb: 'call.start', kind: 'full' } },
        { value: { verb: 'call.cancel.confirm', draftId: storedState(bot)!.current!.id } },
        { value: press(personalCard, 'Next', cardAnswers(personalCard, FULL_CALL)) },
      ];
      for (const activity of attempts) {
        const { status, replies } = await bot.post({ ...where, ...activity });
        expect(status).toBe(200);
        expect(replies).toHaveLength(1);
        expect(replies[0]!.text).toBe(PERSONAL_ONLY);
        expect(replies[0]!.attachments ?? []).toEqual([]);
      }
      expect(bot.sql('SELECT key, etag, value FROM bot_state')).toEqual(afterResume);
      expect(bot.sql('SELECT id FROM duty_calls')).toEqual([]);
      // the personal card still works
      expect(
        sectionOf(
          lastCard(await bot.submit(press(personalCard, 'Next', cardAnswers(personalCard, FULL_CALL)))),
        ),
      ).toBe('relationship');
    },
  );
});
