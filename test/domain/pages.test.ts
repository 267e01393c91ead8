/**
 * Issue 9's cards (pages): every question is asked on exactly one card when it applies, the risk card
 * still records every screening question, the typical call asks few inputs, and drafts saved in the
 * layout of one section a card are read in today's form without losing anything.
 */
import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { type CallKind, checklist, SCREENING_LIST, type SectionDef } from '../../src/domain/checklist';
import { type Draft, normaliseDraft, sectionSaved, startDraft } from '../../src/domain/draft';
import { applies, type FieldDef } from '../../src/domain/fields';
import {
  inputId,
  onPart,
  type PageDef,
  pageOfSection,
  pagesOf,
  pagesOfSection,
  partsOf,
  sectionInputs,
} from '../../src/domain/pages';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { askedFields, askedInputs, sectionFields, validatePage } from '../../src/domain/section-validation';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE, patch, TODAY, validated } from '../fixtures/calls';

const KINDS: readonly CallKind[] = ['full', 'advice'];
const page = (kind: CallKind, id: string): PageDef => pagesOf(kind).find((p) => p.id === id)!;

/** Answers so far that make every follow-up question apply (a born or an antenatal baby). */
function everyFollowUp(stage: 'born' | 'antenatal'): Answers {
  return {
    referrer: { role: 'other' },
    family: { stage, address: '2 Far Road, Farton', postcode: 'NG1 1AA' },
    consent: { consent: 'not-asked' },
    services: { socialCare: 'child-in-need', outOfArea: 'yes', hospital: 'in-hospital' },
    risk: { screenRest: 'some-not-known', harmToBaby: 'yes', aggression: 'yes' },
    advice: { socialCare: 'child-protection', outOfArea: 'yes', hospital: 'discharge' },
  };
}

/** The typical call's answers (the fixture) with the stage given. */
const typical = (stage: 'born' | 'antenatal'): Answers =>
  validated(
    'full',
    stage === 'born'
      ? FULL_CALL
      : patch(FULL_CALL, {
          family: { stage, expectedDate: '2027-02-14', infantName: undefined, dateOfBirth: undefined },
        }),
  );

/** The pages that ask a field of a section, given the answers so far. */
function pagesAsking(kind: CallKind, section: SectionDef, field: FieldDef, facts: Answers): string[] {
  const prompts = phonePrompts(facts);
  return pagesOf(kind)
    .filter((p) =>
      partsOf(p, kind, PROFILE).some(
        ({ part, section: s }) =>
          s.id === section.id && askedFields(s, part, facts, prompts).some((f) => f.id === field.id),
      ),
    )
    .map((p) => p.id);
}

describe('the cards', () => {
  test('a full call is seven cards and an advice call four, each naming the sections it asks', () => {
    expect(pagesOf('full').map((p) => [p.id, p.parts.map((x) => x.section)])).toEqual([
      ['referrer', ['referrer', 'family']],
      ['family', ['family', 'consent']],
      ['relationship', ['relationship', 'infant', 'availability', 'context']],
      ['services', ['services', 'universal']],
      ['risk', ['risk']],
      ['pickUpThePhone', ['pickUpThePhone']],
      ['referral', ['referral']],
    ]);
    expect(pagesOf('advice').map((p) => p.id)).toEqual(['referrer', 'advice', 'risk', 'pickUpThePhone']);
  });

  test.each(KINDS)('every section of a %s call is on a card, in the checklist’s order', (kind) => {
    const order = pagesOf(kind).flatMap((p) => p.parts.map((x) => x.section));
    const sections = checklist(kind, PROFILE).map((s) => s.id);
    expect([...new Set(order)].sort()).toEqual([...sections].sort());
    // the stage comes first (on the referrer's card), then the sections in order
    const rest = order.filter((s, i) => order.indexOf(s) === i);
    expect(rest).toEqual(sections);
  });

  test('the stage is asked on the first card; the family card asks the rest of the family section', () => {
    expect(pagesOfSection('full', 'family').map((p) => p.id)).toEqual(['referrer', 'family']);
    expect(pageOfSection('full', 'family')?.id).toBe('family');
    expect(pageOfSection('full', 'consent')?.id).toBe('family');
    expect(pageOfSection('full', 'universal')?.id).toBe('services');
    expect(pageOfSection('advice', 'family')).toBeUndefined();
    const [first, second] = pagesOfSection('full', 'family').map(
      (p) => p.parts.find((x) => x.section === 'family')!,
    );
    expect(onPart(first!, 'stage')).toBe(true);
    expect(onPart(first!, 'address')).toBe(false);
    expect(onPart(second!, 'stage')).toBe(false);
    expect(onPart(second!, 'address')).toBe(true);
  });

  test('card inputs are named "section.field", so two sections’ "details" on one card stay apart', () => {
    expect(inputId('relationship', 'details')).toBe('relationship.details');
    expect(
      sectionInputs(
        {
          'relationship.details': 'a',
          'availability.details': 'b',
          'pickUpThePhone.x.notes': 'c',
          other: 'd',
        },
        'relationship',
      ),
    ).toEqual({ details: 'a' });
    expect(sectionInputs({ 'pickUpThePhone.x.notes': 'c' }, 'pickUpThePhone')).toEqual({ 'x.notes': 'c' });
    const ids = askedInputs(
      page('full', 'relationship'),
      {},
      {
        answers: typical('born'),
        prompts: [],
        kind: 'full',
        profile: PROFILE,
      },
    );
    expect(ids).toContain('relationship.details');
    expect(ids).toContain('availability.details');
    expect(ids).toContain('context.details');
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('every question the seeds need is still asked when it applies', () => {
  const scenarios: [string, CallKind, Answers][] = [
    ['the typical born call', 'full', typical('born')],
    ['the typical antenatal call', 'full', typical('antenatal')],
    ['a born call with every follow-up', 'full', everyFollowUp('born')],
    ['an antenatal call with every follow-up', 'full', everyFollowUp('antenatal')],
    ['an advice call with every follow-up', 'advice', everyFollowUp('born')],
    ['an empty call', 'full', {}],
  ];

  test.each(scenarios)(
    '%s: each field is asked on exactly one card if it applies, else on none',
    (_n, kind, facts) => {
      const prompts = phonePrompts(facts);
      let asked = 0;
      for (const section of checklist(kind, PROFILE)) {
        for (const field of sectionFields(section, { prompts })) {
          const where = pagesAsking(kind, section, field, facts);
          expect(where, `${section.id}.${field.id}`).toHaveLength(applies(field, facts) ? 1 : 0);
          asked += where.length;
        }
      }
      expect(asked).toBeGreaterThan(kind === 'full' ? 30 : 15);
    },
  );

  test.each(['born', 'antenatal'] as const)(
    'with every follow-up called for (%s), every field not retired is asked but the other stage’s',
    (stage) => {
      const facts = everyFollowUp(stage);
      const otherStage =
        stage === 'born' ? ['expectedDate', 'pregnancy'] : ['infantName', 'dateOfBirth', 'observations'];
      const notAsked: string[] = [];
      for (const section of checklist('full', PROFILE)) {
        for (const field of sectionFields(section, { prompts: phonePrompts(facts) })) {
          if (pagesAsking('full', section, field, facts).length === 0) notAsked.push(field.id);
        }
      }
      expect(notAsked.sort()).toEqual([...otherStage].sort());
    },
  );

  test('retired questions are asked nowhere, but are still in the section for older calls’ summaries', () => {
    const retired = checklist('full', PROFILE).flatMap((s) =>
      s.fields.filter((f) => f.retired).map((f) => `${s.id}.${f.id}`),
    );
    expect(retired.sort()).toEqual(
      [
        'family.otherProfessionals',
        'infant.eao',
        'infant.eaoFindings',
        'referral.hopes',
        'universal.involved',
      ].sort(),
    );
    const facts = everyFollowUp('born');
    for (const kind of KINDS)
      for (const p of pagesOf(kind)) {
        const ids = askedInputs(
          p,
          {},
          { answers: facts, prompts: phonePrompts(facts), kind, profile: PROFILE },
        );
        for (const r of retired) expect(ids).not.toContain(r);
      }
  });

  test.each(['born', 'antenatal'] as const)(
    'the %s stage decides the dates, the name and key point 2',
    (stage) => {
      const facts = typical(stage);
      const ctx = { answers: facts, prompts: phonePrompts(facts), kind: 'full' as const, profile: PROFILE };
      const family = askedInputs(page('full', 'family'), {}, ctx);
      const kp = askedInputs(page('full', 'relationship'), {}, ctx);
      const born = stage === 'born';
      expect(family.includes('family.infantName')).toBe(born);
      expect(family.includes('family.dateOfBirth')).toBe(born);
      expect(family.includes('family.expectedDate')).toBe(!born);
      expect(kp.includes('infant.observations')).toBe(born);
      expect(kp.includes('infant.pregnancy')).toBe(!born);
      // the stage itself is on the first card only
      expect(family).not.toContain('family.stage');
      expect(askedInputs(page('full', 'referrer'), {}, ctx)).toContain('family.stage');
    },
  );

  test('the stage typed on the card (not yet saved) decides what the family card asks', () => {
    const ctx = { answers: {}, prompts: [], kind: 'full' as const, profile: PROFILE };
    expect(askedInputs(page('full', 'family'), { 'family.stage': 'antenatal' }, ctx)).toContain(
      'family.expectedDate',
    );
  });

  describe('the risk card records every screening question, for every answer the card can give', () => {
    const risk = page('full', 'risk');
    const ctx = { today: TODAY, prompts: [], answers: {}, kind: 'full' as const, profile: PROFILE };
    const recorded = checklist('full', PROFILE)
      .find((s) => s.id === 'risk')!
      .fields.filter((f) => f.kind === 'choice');
    const base = { 'risk.harmToBaby': 'no', 'risk.harmToParent': 'no', 'risk.level': 'none-or-low' };
    const forms: [string, Record<string, string>, string][] = [
      ['ticked', { 'risk.screenRest': 'no' }, 'yes'],
      ['not ticked, the rest no', { 'risk.screenRest': 'no' }, 'no'],
      ['not ticked, the rest not known', { 'risk.screenRest': 'not-known' }, 'not-known'],
      ['not ticked, and ticked as not known', { 'risk.screenRest': 'some-not-known' }, 'not-known'],
    ];

    test.each(
      SCREENING_LIST.flatMap((q) => forms.map(([name, raw, want]) => [q.value, name, raw, want] as const)),
    )('%s %s', (q, name, raw, want) => {
      const submitted: Record<string, string> = { ...base, ...raw };
      if (name === 'ticked') submitted['risk.screenYes'] = q;
      if (name.endsWith('ticked as not known')) submitted['risk.screenNotKnown'] = q;
      const result = validatePage(risk, submitted, ctx);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      const answers = result.answers.risk!;
      for (const f of recorded) {
        const v = answers[f.id];
        expect(
          f.choices!.map((c) => c.value),
          `${f.id} = ${String(v)}`,
        ).toContain(v);
      }
      const yes = q === 'substanceMisuse' ? 'active' : 'yes';
      const no = q === 'substanceMisuse' ? 'none' : 'no';
      expect(answers[q]).toBe(want === 'yes' ? yes : want === 'no' ? no : 'not-known');
      // the card's own inputs are not recorded as answers
      expect(Object.keys(answers).filter((k) => k.startsWith('screen'))).toEqual([]);
    });
  });
});

describe('the typical call (issue 9: at most 35 inputs shown and 20 required)', () => {
  const answers = typical('born');
  const prompts = phonePrompts(answers);
  const asked = pagesOf('full').flatMap((p) =>
    partsOf(p, 'full', PROFILE).flatMap(({ part, section }) =>
      askedFields(section, part, answers, prompts).map((f) => ({
        page: p.id,
        id: inputId(section.id, f.id),
        f,
      })),
    ),
  );

  test('asks at most 37 inputs in all (35 shown: the referrer’s name and email come from Teams)', () => {
    expect(asked.length, asked.map((a) => a.id).join(', ')).toBeLessThanOrEqual(37);
    expect(
      asked.filter((a) => !['referrer.name', 'referrer.email'].includes(a.id)).length,
    ).toBeLessThanOrEqual(35);
  });

  // Teams always sends the referrer's name (and the profile its email): they stand on the confirm line,
  // so the typical call shows 20 required inputs (21 with the name typed, in a client that sends none)
  test('shows at most 20 required inputs when the Teams profile gives the referrer’s name and email', () => {
    const shown = asked.filter((a) => a.f.required && !['referrer.name', 'referrer.email'].includes(a.id));
    expect(shown.length, shown.map((a) => a.id).join(', ')).toBeLessThanOrEqual(20);
  });

  test('is seven cards', () => {
    expect(new Set(asked.map((a) => a.page)).size).toBe(7);
  });
});

describe('normaliseDraft: a draft saved one section a card', () => {
  const T0 = new Date('2026-11-20T10:00:00Z');
  const old = (changes: Record<string, unknown>): Draft => {
    const { layout: _new, ...d } = startDraft('d1', 'full', T0, TODAY);
    return { ...d, ...changes } as unknown as Draft;
  };

  test.each([
    ['referrer', 'referrer'],
    ['family', 'family'],
    ['consent', 'family'],
    ['relationship', 'relationship'],
    ['infant', 'relationship'],
    ['availability', 'relationship'],
    ['context', 'relationship'],
    ['services', 'services'],
    ['universal', 'services'],
    ['risk', 'risk'],
    ['pickUpThePhone', 'pickUpThePhone'],
    ['referral', 'referral'],
    ['review', 'review'],
  ])('at %s goes to the card %s', (at, want) => {
    const d = normaliseDraft(old({ at }));
    expect(d.at).toBe(want);
    expect(d.layout).toBe(2);
  });

  test('its saved sections become the cards whose sections were all saved', () => {
    const d = normaliseDraft(
      old({ saved: ['referrer', 'family', 'relationship', 'infant', 'availability', 'services', 'risk'] }),
    );
    // consent not saved: the family card is not; context not saved: neither is the key points card
    expect(d.saved).toEqual(['referrer', 'risk']);
    expect(sectionSaved(d, 'referrer')).toBe(true);
    expect(sectionSaved(d, 'family')).toBe(false);
    const all = normaliseDraft(old({ saved: checklist('full', PROFILE).map((s) => s.id), at: 'review' }));
    expect(all.saved).toEqual(pagesOf('full').map((p) => p.id));
  });

  test('what was typed is kept, keyed by the card and "section.field", losing nothing', () => {
    const typed = {
      family: { infantName: 'Half typed', address: '1 Example Street' },
      consent: { consent: 'no', notes: 'Asking next week.' },
      availability: { details: 'Some readiness.' },
      context: { details: 'Traumatic birth.' },
      pickUpThePhone: { 'mental-health.status': 'phoned', 'mental-health.notes': 'Rang the PMHT.' },
    };
    const answers = { referrer: { name: 'Hannah' }, family: { stage: 'born' } };
    const d = normaliseDraft(old({ typed, answers, saved: ['referrer'], at: 'family' }));
    expect(d.typed).toEqual({
      family: {
        'family.infantName': 'Half typed',
        'family.address': '1 Example Street',
        'consent.consent': 'no',
        'consent.notes': 'Asking next week.',
      },
      relationship: { 'availability.details': 'Some readiness.', 'context.details': 'Traumatic birth.' },
      pickUpThePhone: {
        'pickUpThePhone.mental-health.status': 'phoned',
        'pickUpThePhone.mental-health.notes': 'Rang the PMHT.',
      },
    });
    // the answers and everything else are as they were
    expect(d.answers).toEqual(answers);
    expect({ ...d, at: '', saved: [], typed: undefined, layout: undefined }).toEqual({
      ...old({ typed, answers, saved: ['referrer'], at: 'family' }),
      at: '',
      saved: [],
      typed: undefined,
      layout: undefined,
    });
  });

  // a stage typed on the old family card is shown on the first card, which asks it now
  test('each value typed lands on the card that asks that input', () => {
    const typed = { family: { stage: 'antenatal', expectedDate: '2027-02-14', caregiverName: 'Maria' } };
    const d = normaliseDraft(old({ typed, at: 'family' }));
    const kept = Object.entries(d.typed ?? {}).flatMap(([p, values]) =>
      Object.keys(values ?? {}).map((id) => [p, id] as const),
    );
    expect(kept).toHaveLength(3);
    for (const [p, id] of kept) {
      const [section, field] = id.split('.') as [string, string];
      const on = page('full', p).parts.some((part) => part.section === section && onPart(part, field));
      expect(on, `${id} is kept under the ${p} card`).toBe(true);
    }
  });

  test('a draft already in the layout of cards is returned as it is', () => {
    const d = startDraft('d1', 'full', T0, TODAY);
    expect(normaliseDraft(d)).toBe(d);
  });

  test('an old advice draft goes to its own cards', () => {
    const { layout: _new, ...d } = startDraft('d1', 'advice', T0, TODAY);
    const n = normaliseDraft({ ...d, at: 'advice', saved: ['referrer', 'advice'] } as unknown as Draft);
    expect(n.at).toBe('advice');
    expect(n.saved).toEqual(['referrer', 'advice']);
  });
});
