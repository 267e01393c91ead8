import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { type E2E, startE2E } from './harness';
import { daysAgo, fillSection, LOCAL_FULL_CALL } from './ui-answers';

const NHS = 'NHS number (the infant’s; the mother’s if antenatal)';
const DOB = 'Infant’s date of birth (if born)';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('validation');
});
afterAll(async () => {
  await e2e?.close();
});

test('validation errors are shown on the card, with what was typed kept, and can be put right', async () => {
  onTestFailed(() => e2e.shot('failed').then(() => undefined));
  await e2e.say('start');
  await fillSection(e2e, 'full', 'referrer', LOCAL_FULL_CALL);
  await e2e.press('Next');
  expect(await e2e.cardText()).toContain('The infant and family');

  // a date of birth in the future: the card's own check (Input.Date max) stops it before it is sent
  await fillSection(e2e, 'full', 'family', {
    family: { ...LOCAL_FULL_CALL.family!, dateOfBirth: daysAgo(-30), nhsNumber: '943 476 5918' },
  });
  await e2e.pressExpectingNoReply('Next');
  await expect.poll(() => e2e.cardText()).toContain(`${DOB}: please check this.`);
  await e2e.shot('future-date-of-birth');
  // nothing was sent: a second later the family card is still the only one since the last Next
  await e2e.page.waitForTimeout(1_000);
  expect(await e2e.newCards().count()).toBe(1);

  // put the date right; the NHS number's check digit is wrong: the bot sends the card back
  await e2e.fill(DOB, LOCAL_FULL_CALL.family!.dateOfBirth!);
  await e2e.press('Next');
  const text = await e2e.cardText();
  expect(text).toContain('Please check these answers:');
  expect(text).toContain('NHS number: this is not a valid NHS number');
  expect(text).toContain('The infant and family');
  // what was typed is kept, the wrong number included
  expect(await e2e.valueOf(NHS)).toBe('943 476 5918');
  expect(await e2e.valueOf('Infant’s name (if born)')).toBe(LOCAL_FULL_CALL.family!.infantName);
  // the DatePicker shows the date the bot sent back in the browser's locale (en-GB here)
  const dob = new Date(`${LOCAL_FULL_CALL.family!.dateOfBirth}T12:00:00`);
  expect(await e2e.valueOf(DOB)).toBe(
    dob.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }),
  );
  await e2e.shot('invalid-nhs-number');

  await e2e.fill(NHS, LOCAL_FULL_CALL.family!.nhsNumber!);
  await e2e.press('Next');
  const next = await e2e.cardText();
  expect(next).toContain('Section 3 of 12');
  expect(next).not.toContain('Please check these answers:');
  await e2e.shot('fixed');
});
