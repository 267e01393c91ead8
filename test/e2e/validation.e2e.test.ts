import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { type E2E, startE2E } from './harness';
import { daysAgo, fillSection, LOCAL_FULL_CALL } from './ui-answers';

const NHS = 'NHS number (the infant’s; the mother’s if antenatal)';
const DOB = 'Infant’s date of birth';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('validation');
});
afterAll(async () => {
  await e2e?.close();
});

test('validation errors are shown on the card after Next (Save always saves), with what was typed kept, and can be put right', async () => {
  onTestFailed(() => e2e.shot('failed').then(() => undefined));
  await e2e.say('start');
  await fillSection(e2e, 'full', 'referrer', LOCAL_FULL_CALL);
  await e2e.press('Next');
  expect(await e2e.cardText()).toContain('The infant and family');

  // a date of birth in the future and a wrong NHS check digit: Save still saves, as typed
  await fillSection(e2e, 'full', 'family', {
    ...LOCAL_FULL_CALL,
    family: { ...LOCAL_FULL_CALL.family!, dateOfBirth: daysAgo(-30), nhsNumber: '943 476 5918' },
  });
  await e2e.press('Save');
  await expect.poll(() => e2e.cardText()).toMatch(/Saved — 2 answers still needed before Next/);
  expect(await e2e.valueOf(NHS)).toBe('943 476 5918');
  await e2e.shot('saved-as-typed');

  // Next: the bot checks and sends the card back with the field-level messages, what was typed kept
  await e2e.press('Next');
  const checked = await e2e.cardText();
  expect(checked).toContain('Please check these answers:');
  expect(checked).toContain('Date of birth: this is in the future.');
  expect(checked).toContain('NHS number: this is not a valid NHS number');
  expect(await e2e.valueOf(NHS)).toBe('943 476 5918');
  await e2e.shot('future-date-of-birth');

  // put the date right; the NHS number's check digit is wrong: the bot sends the card back
  await e2e.fill(DOB, LOCAL_FULL_CALL.family!.dateOfBirth!);
  await e2e.press('Next');
  const text = await e2e.cardText();
  expect(text).toContain('Please check these answers:');
  expect(text).toContain('NHS number: this is not a valid NHS number');
  expect(text).toContain('The infant and family');
  // what was typed is kept, the wrong number included
  expect(await e2e.valueOf(NHS)).toBe('943 476 5918');
  expect(await e2e.valueOf('Infant’s name')).toBe(LOCAL_FULL_CALL.family!.infantName);
  // the DatePicker shows the date the bot sent back in the browser's locale (en-GB here)
  const dob = new Date(`${LOCAL_FULL_CALL.family!.dateOfBirth}T12:00:00`);
  expect(await e2e.valueOf(DOB)).toBe(
    dob.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }),
  );
  await e2e.shot('invalid-nhs-number');

  await e2e.fill(NHS, LOCAL_FULL_CALL.family!.nhsNumber!);
  await e2e.press('Next');
  const next = await e2e.cardText();
  expect(next).toContain('Step 3 of 7');
  expect(next).not.toContain('Please check these answers:');
  // the date just entered is read back in words, so a date the client misread is seen at once
  expect(next).toMatch(/Date of birth \d{1,2} \w+ \d{4}: \d+ months old today/);
  await e2e.shot('fixed');

  // Back sends what was typed on the card: it is kept, unsaved, and shown again on the way forward
  const DETAILS = 'Details of the concerns and their impact on the infant';
  await e2e.fill(DETAILS, 'Typed, then Back before saving');
  await e2e.press('Back');
  expect(await e2e.cardText()).toContain('Step 2 of 7');
  await e2e.press('Next');
  expect(await e2e.cardText()).toContain('Step 3 of 7');
  expect(await e2e.valueOf(DETAILS)).toBe('Typed, then Back before saving');
  await e2e.shot('back-keeps-typed');
});
