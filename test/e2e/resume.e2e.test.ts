import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { type E2E, startE2E } from './harness';
import { fillSection, LOCAL_FULL_CALL } from './ui-answers';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('resume');
});
afterAll(async () => {
  await e2e?.close();
});

test('a call is resumed after the bot process is killed and restarted mid-call', async () => {
  onTestFailed(() => e2e.shot('failed').then(() => undefined));
  await e2e.say('start');
  await fillSection(e2e, 'full', 'referrer', LOCAL_FULL_CALL);
  await e2e.press('Next');
  // the family section filled in and saved (Save keeps the referrer on the card; a card with
  // required inputs left empty cannot be saved: the renderer's own validation stops it)
  const { infantName, caregiverName, nhsNumber } = LOCAL_FULL_CALL.family!;
  await fillSection(e2e, 'full', 'family', LOCAL_FULL_CALL);
  await e2e.press('Save');
  expect(await e2e.cardText()).toContain('The infant and family');
  expect(await e2e.cardText()).toContain('Saved.');
  await e2e.shot('saved');

  // a crash: SIGKILL, then a new process on the same SQLite file
  await e2e.restartBot();

  await e2e.say('resume');
  const text = await e2e.cardText();
  expect(text).toContain('The infant and family');
  expect(text).toContain('Step 2 of 7');
  expect(await e2e.valueOf('Infant’s name')).toBe(infantName);
  expect(await e2e.valueOf('Mother or primary caregiver')).toBe(caregiverName);
  // the bot stores the NHS number as its 10 digits
  expect(await e2e.valueOf('NHS number (the infant’s; the mother’s if antenatal)')).toBe(
    nhsNumber!.replace(/\s/g, ''),
  );
  await e2e.shot('resumed');

  // and the call carries on with the new process
  await e2e.press('Next');
  expect(await e2e.cardText()).toContain('Step 3 of 7');
  await e2e.say('status');
  expect(await e2e.cardText()).toMatch(/Step 3 of 7/);
  await e2e.shot('status');
});
