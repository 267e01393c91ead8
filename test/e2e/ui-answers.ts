/**
 * Turns the fixture answers (card input values, keyed by input id) into what a person does on screen:
 * the label of each input and the text to type or the choice titles to click. Labels and titles come
 * from the checklist the bot builds its cards from, with the service profile of env/.env.local (the
 * bot under test runs with APP_ENV=local).
 */
import { serviceProfile } from '../../src/app-host';
import { loadConfig } from '../../src/config/config';
import type { Answers } from '../../src/domain/answers';
import { type CallKind, checklist, type SectionId } from '../../src/domain/checklist';
import type { FieldDef } from '../../src/domain/fields';
import { pagesOf, partsOf } from '../../src/domain/pages';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { askedFields, cardValues } from '../../src/domain/section-validation';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import { type E2E, ROOT } from './harness';

export type Fixture = Record<string, Record<string, string>>;

export interface UiAnswer {
  readonly label: string;
  /** Text to type (dates as YYYY-MM-DD), or the titles of the choices to pick. */
  readonly value: string | readonly string[];
}

export const LOCAL_PROFILE = serviceProfile(loadConfig({ APP_ENV: 'local' }, ROOT));

/** A date `days` before today, as YYYY-MM-DD (the bot runs on the real clock in these tests). */
export function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/**
 * The fixture calls in the local service area (the bot runs with env/.env.local) and on today's clock:
 * the infant is about 6 months old.
 */
export const LOCAL_FULL_CALL: Fixture = {
  ...FULL_CALL,
  family: {
    ...FULL_CALL.family!,
    dateOfBirth: daysAgo(200),
  },
};

export const LOCAL_ADVICE_CALL: Fixture = ADVICE_CALL;

/** The fixture as the domain sees it: multiple choices as arrays. */
export function asAnswers(kind: CallKind, fixture: Fixture): Answers {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const section of checklist(kind, LOCAL_PROFILE)) {
    const given = fixture[section.id];
    if (!given) continue;
    out[section.id] = Object.fromEntries(
      Object.entries(given).map(([id, v]) => {
        const field = section.fields.find((f) => f.id === id);
        return [id, field?.kind === 'multichoice' ? v.split(',').filter(Boolean) : v];
      }),
    );
  }
  return out as Answers;
}

/** The inputs a page asks for the fixture's answers (follow-ups only where the answers call for them). */
export function fieldsOf(
  kind: CallKind,
  pageId: string,
  fixture: Fixture,
): { section: SectionId; field: FieldDef }[] {
  const page = pagesOf(kind).find((p) => p.id === pageId);
  if (!page) throw new Error(`no card ${pageId} in a ${kind} call`);
  const answers = asAnswers(kind, fixture);
  return partsOf(page, kind, LOCAL_PROFILE).flatMap(({ part, section }) =>
    askedFields(section, part, withCardForm(answers), phonePrompts(answers)).map((field) => ({
      section: section.id,
      field,
    })),
  );
}

/** The risk screening as its card asks it (the fixture records one answer per question). */
function withCardForm(answers: Answers): Answers {
  if (!answers.risk) return answers;
  return { ...answers, risk: { ...answers.risk, ...cardValues(riskSection(), answers.risk) } };
}

const riskSection = () => checklist('full', LOCAL_PROFILE).find((s) => s.id === 'risk')!;

/** What to enter on one card, in the card's order. */
export function uiAnswers(kind: CallKind, pageId: string, fixture: Fixture): UiAnswer[] {
  const answers = withCardForm(asAnswers(kind, fixture));
  return fieldsOf(kind, pageId, fixture).flatMap(({ section, field: f }) => {
    const given = answers[section]?.[f.id];
    if (
      given === undefined ||
      given === '' ||
      (Array.isArray(given) && given.length === 0 && f.kind !== 'multichoice')
    )
      return [];
    const raw = Array.isArray(given) ? given.join(',') : (given as string);
    if (f.kind === 'choice' || f.kind === 'multichoice') {
      const titles = raw
        .split(',')
        .filter(Boolean)
        .map((v) => {
          const choice = f.choices?.find((c) => c.value === v);
          if (!choice) throw new Error(`${section}.${f.id}: no choice with value "${v}"`);
          return choice.title;
        });
      if (f.kind === 'multichoice' && titles.length === 0) return [];
      return [{ label: f.label, value: f.kind === 'choice' ? titles[0]! : titles }];
    }
    return [{ label: f.label, value: raw }];
  });
}

/**
 * Fills the newest card with the fixture's answers for it: the inputs the card shows (details already
 * known stand on the confirm line and are not filled again).
 */
export async function fillSection(e2e: E2E, kind: CallKind, pageId: string, fixture: Fixture): Promise<void> {
  const shown = new Set(await e2e.inputLabels());
  for (const a of uiAnswers(kind, pageId, fixture)) if (shown.has(a.label)) await e2e.fill(a.label, a.value);
}
