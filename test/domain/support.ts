import type { Answers } from '../../src/domain/answers';
import { type CallKind, checklist, type ServiceProfile } from '../../src/domain/checklist';
import { type Draft, savePage, startDraft } from '../../src/domain/draft';
import { pagesOf } from '../../src/domain/pages';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { validateSection } from '../../src/domain/section-validation';
import { type SubmittedCall, submitCall } from '../../src/domain/submitted-call';

/** The practitioner's date for the fixtures: the fixture baby (born 10 May 2026) is 6 months old. */
export const TODAY = '2026-11-20';

export const PROFILE: ServiceProfile = {
  serviceName: 'Testshire IMH Service',
  areaName: 'Testshire',
  postcodeDistricts: ['LE1', 'LE2'],
  localAuthorities: ['Testshire County Council', 'Testville City Council'],
  adviceLineNumber: '0116 555 0000',
  frontDoorName: 'Testshire Children’s Front Door',
  frontDoorNumber: '0116 555 0999',
  outOfHoursName: 'Emergency Duty Team',
  outOfHoursNumber: '0116 555 0888',
  callMinutes: 45,
  timeZone: 'Europe/London',
};

export type RawCall = Record<string, Record<string, string>>;

/** A copy of a raw call with some sections' values replaced (a field set to undefined is removed). */
export function patch(raw: RawCall, changes: Record<string, Record<string, string | undefined>>): RawCall {
  const out: RawCall = { ...raw };
  for (const [section, fields] of Object.entries(changes)) {
    const merged: Record<string, string | undefined> = { ...(raw[section] ?? {}), ...fields };
    out[section] = Object.fromEntries(
      Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined),
    );
  }
  return out;
}

/** Runs card values through validateSection section by section, as the bot does; throws on any error. */
export function validated(kind: CallKind, raw: RawCall, today = TODAY): Answers {
  const answers: Answers = {};
  for (const section of checklist(kind, PROFILE)) {
    const result = validateSection(section, raw[section.id] ?? {}, {
      today,
      prompts: phonePrompts(answers),
      answers,
    });
    if (!result.ok) throw new Error(`${section.id}: ${JSON.stringify(result.errors)}`);
    answers[section.id] = result.answers;
  }
  return answers;
}

/** A draft with every card saved from the raw values, one minute per card. */
export function completedDraft(kind: CallKind, raw: RawCall, callDate = TODAY): Draft {
  const answers = validated(kind, raw, callDate);
  let t = Date.parse(`${callDate}T10:00:00Z`);
  let draft = startDraft('draft-1', kind, new Date(t), callDate);
  for (const page of pagesOf(kind)) {
    t += 60_000;
    const onPage = Object.fromEntries(page.parts.map((p) => [p.section, answers[p.section] ?? {}]));
    draft = savePage(draft, page.id, onPage, 'next', new Date(t));
  }
  return draft;
}

export function submitted(kind: CallKind, raw: RawCall, callDate = TODAY): SubmittedCall {
  const draft = completedDraft(kind, raw, callDate);
  return submitCall(draft, 'IMH-TEST23', PROFILE, new Date(`${callDate}T11:00:00Z`));
}
