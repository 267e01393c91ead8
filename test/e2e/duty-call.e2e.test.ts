import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { type E2E, startE2E } from './harness';
import { asAnswers, LOCAL_FULL_CALL as CALL, fillSection, LOCAL_PROFILE } from './ui-answers';

const SECTIONS = [
  'referrer',
  'family',
  'consent',
  'relationship',
  'infant',
  'availability',
  'context',
  'services',
  'universal',
  'risk',
  'pickUpThePhone',
  'referral',
];

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('duty-call');
});
afterAll(async () => {
  await e2e?.close();
});

test('a referrer completes a full duty call in the playground and gets the summary and draft referral', async () => {
  onTestFailed(() => e2e.shot('failed').then(() => undefined));
  // the risk answers raise exactly one "pick up the phone" prompt (parental mental health)
  expect(phonePrompts(asAnswers('full', CALL)).map((p) => p.id)).toEqual(['mental-health']);

  await e2e.say('start');
  expect(await e2e.cardText()).toContain('Section 1 of 12');
  // the referrer's name comes from their Teams profile (the playground's current user)
  expect(await e2e.valueOf('Your name')).toBe('Hannah Visitor');

  for (const [i, section] of SECTIONS.entries()) {
    const text = await e2e.cardText();
    expect(text).toContain(`Section ${i + 1} of 12`);
    if (section === 'pickUpThePhone') {
      expect(text.match(/: what happened\?/g)).toHaveLength(1);
      expect(text).toContain('Parental mental health');
    }
    await fillSection(e2e, 'full', section, CALL);
    await e2e.shot(section);
    await e2e.press(section === 'referral' ? 'Save and review' : 'Next');
  }

  const review = await e2e.cardText();
  expect(review).toContain('Check your duty call');
  // the referrer sees what the referral needs and what the practitioner will consider, not a verdict
  expect(review).not.toMatch(/Likely (not )?eligible/);
  expect(review).toContain('What the referral still needs');
  await e2e.shot('review');

  // confirmation, summary and draft referral
  await e2e.press('Submit the duty call', 3);
  const cards = e2e.newCards();
  await expect.poll(() => cards.count()).toBe(3);
  const [confirmation, summary, referral] = await cards.allInnerTexts();
  expect(confirmation).toMatch(/IMH-[A-Z2-9]{6}/);
  expect(summary).toContain('duty call summary');
  expect(summary).toContain('The infant’s record');
  expect(summary).toContain('943 476 5919');
  expect(summary).not.toMatch(/Likely (not )?eligible/);
  expect(summary).toContain('What the IMH practitioner will consider');
  expect(summary).toMatch(/Parental mental health[\s:]+Phoned/);
  expect(referral).toContain(`Draft referral to ${LOCAL_PROFILE.serviceName}`);
  expect(referral).toContain(CALL.referral!.reason!);
  await e2e.shot('confirmation', cards.nth(0));
  await e2e.shot('summary', cards.nth(1));
  await e2e.shot('draft-referral', cards.nth(2));

  await e2e.say('status');
  expect(await e2e.cardText()).toContain('no duty call in progress');
  await e2e.shot('status');
});
