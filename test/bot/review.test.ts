/**
 * Issue 9 item 5, the review: what still needs doing first, then one line per section with Show/Hide for
 * its answers and "Edit <section>", through the real bot over HTTP.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardText,
  lastCard,
  press,
  sectionOf,
  startTestBot,
  type TestBot,
  walkTo,
} from '../harness/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-03T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

/** Every object in the card with a "type", depth first. */
function all(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(all);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  return [...(typeof o.type === 'string' ? [o] : []), ...Object.values(o).flatMap(all)];
}

const edits = (card: Card) =>
  all(card).filter((e) => (e.data as { verb?: string } | undefined)?.verb === 'call.edit');

test('one line per section: Done, Show/Hide over its hidden answers, and "Edit <section>" that opens it', async () => {
  const card = await walkTo(bot, 'review', FULL_CALL);
  const text = cardText(card);
  expect(text).toContain('Check your duty call');
  const buttons = edits(card);
  expect(buttons.length).toBeGreaterThanOrEqual(10);
  for (const b of buttons) expect(String(b.title)).toMatch(/^Edit \S/);
  expect(new Set(buttons.map((b) => b.title)).size).toBe(buttons.length);
  // no button is only "Edit"
  expect(text).not.toContain('[Edit]');
  const toggles = all(card).filter((e) => e.type === 'Action.ToggleVisibility');
  expect(toggles).toHaveLength(buttons.length);
  const ids = new Map(all(card).flatMap((e) => (typeof e.id === 'string' ? [[e.id, e] as const] : [])));
  for (const t of toggles) {
    for (const target of t.targetElements as string[]) {
      expect(ids.get(target)).toMatchObject({ type: 'Container', isVisible: false });
    }
  }
  expect(all(card).filter((e) => e.type === 'TextBlock' && e.text === 'Done').length).toBe(buttons.length);
  expect(text).not.toContain('Still to do before you submit');

  const consent = buttons.find((b) => (b.data as { target: string }).target === 'consent')!;
  const edited = lastCard(await bot.submit(press(card, String(consent.title))));
  // the card that asks the consent questions (it may hold other sections too)
  expect(sectionOf(edited)).not.toBe('review');
  expect(cardText(edited).toLowerCase()).toContain('consent');
});

test('what still needs doing comes first, and the section’s line says what is missing', async () => {
  let card = await walkTo(bot, 'review', FULL_CALL);
  const risk = edits(card).find((b) => (b.data as { target: string }).target === 'risk')!;
  card = lastCard(await bot.submit(press(card, String(risk.title))));
  // domestic abuse now "yes": a new pick-up-the-phone prompt applies, so that section lacks answers
  card = lastCard(
    await bot.submit(press(card, 'Save and review', { ...FULL_CALL.risk!, domesticAbuse: 'yes' })),
  );
  expect(sectionOf(card)).toBe('review');
  const body = card.body as unknown[];
  const first = cardText(body.slice(0, 3));
  expect(first).toContain('Still to do before you submit');
  expect(first).toMatch(/Pick up the phone: Still needed: \d+ answers?\. Edit to add them\./);
  expect(cardText(card)).toMatch(/\d+ answers? still needed/);
  expect(cardText(card).indexOf('Still to do before you submit')).toBeLessThan(
    cardText(card).indexOf('Check your answers'),
  );
});
