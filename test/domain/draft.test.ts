import { describe, expect, test } from 'vitest';
import { checklist, type SectionId } from '../../src/domain/checklist';
import {
  type Draft,
  goTo,
  isComplete,
  keepTyped,
  PROMPTS_PER_PAGE,
  pageCount,
  pageOf,
  progress,
  reissue,
  savePhonePage,
  saveSection,
  sectionsOf,
  startDraft,
} from '../../src/domain/draft';
import { PROFILE, TODAY } from './support';

const T0 = new Date('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const FULL_IDS = checklist('full', PROFILE).map((s) => s.id);
const ADVICE_IDS = checklist('advice', PROFILE).map((s) => s.id);

const start = (kind: 'full' | 'advice' = 'full') => startDraft('d1', kind, T0, TODAY);

/** Saves the given sections in turn with Next, one minute apart. */
function saveAll(draft: Draft, ids: readonly SectionId[], minute = 1): Draft {
  let d = draft;
  ids.forEach((id, i) => {
    d = saveSection(d, id, { saved: id }, 'next', PROFILE, at(minute + i));
  });
  return d;
}

describe('startDraft', () => {
  test('starts at the first section with nothing saved', () => {
    const d = start();
    expect(d).toEqual({
      id: 'd1',
      kind: 'full',
      callDate: TODAY,
      startedAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      activeMs: 0,
      at: 'referrer',
      step: 1,
      answers: {},
      saved: [],
    });
  });

  test('keeps a prefill only when given one', () => {
    expect(startDraft('d', 'full', T0, TODAY, { name: 'Hannah' }).prefill).toEqual({ name: 'Hannah' });
    expect(start()).not.toHaveProperty('prefill');
  });

  test('sectionsOf follows the call kind', () => {
    expect(sectionsOf(start(), PROFILE).map((s) => s.id)).toEqual(FULL_IDS);
    expect(sectionsOf(start('advice'), PROFILE).map((s) => s.id)).toEqual(ADVICE_IDS);
    expect(ADVICE_IDS).toEqual(['referrer', 'advice', 'risk', 'pickUpThePhone']);
  });
});

describe('navigation', () => {
  test('Next walks through the sections in order, then to the review', () => {
    let d = start();
    const visited: string[] = [d.at];
    for (const _ of FULL_IDS) {
      d = saveSection(d, d.at as SectionId, {}, 'next', PROFILE, at(1));
      visited.push(d.at);
    }
    expect(visited).toEqual([...FULL_IDS, 'review']);
  });

  test('saving stores the answers under the section and records it as saved once', () => {
    let d = saveSection(start(), 'referrer', { name: 'A' }, 'stay', PROFILE, at(1));
    d = saveSection(d, 'referrer', { name: 'B' }, 'stay', PROFILE, at(2));
    expect(d.answers.referrer).toEqual({ name: 'B' });
    expect(d.saved).toEqual(['referrer']);
    expect(d.at).toBe('referrer');
  });

  test('Next goes to the next section in order, saved or not (issue 9: it used to skip saved ones)', () => {
    let d = saveAll(start(), ['referrer', 'family', 'consent']);
    expect(d.at).toBe('relationship');
    d = goTo(d, 'referrer', at(10));
    d = saveSection(d, 'referrer', {}, 'next', PROFILE, at(11));
    expect(d.at).toBe('family');
  });

  test('with a section still unsaved, Next on the last section goes to the review, which lists what is missing', () => {
    const allButConsent = FULL_IDS.filter((id) => id !== 'consent');
    const d = saveAll(start(), allButConsent);
    expect(d.at).toBe('review');
    expect(isComplete(d, PROFILE)).toBe(false);
  });

  test('what was typed is kept per section, unsaved, until the section is saved valid', () => {
    let d = saveAll(start(), ['referrer']);
    d = keepTyped(d, 'family', { infantName: 'Half typed' });
    d = goTo(d, 'referrer', at(5));
    expect(d.typed?.family).toEqual({ infantName: 'Half typed' });
    expect(d.answers.family).toBeUndefined();
    expect(d.saved).toEqual(['referrer']);
    // pick-up-the-phone pages merge; other sections are replaced
    d = keepTyped(d, 'pickUpThePhone', { 'a.notes': '1' });
    d = keepTyped(d, 'pickUpThePhone', { 'b.notes': '2' });
    expect(d.typed?.pickUpThePhone).toEqual({ 'a.notes': '1', 'b.notes': '2' });
    d = saveSection(d, 'family', { infantName: 'Ada' }, 'stay', PROFILE, at(6));
    expect(d.typed?.family).toBeUndefined();
    expect(d.typed?.pickUpThePhone).toBeDefined();
    d = saveSection(d, 'pickUpThePhone', {}, 'stay', PROFILE, at(7));
    expect(d.typed).toBeUndefined();
  });

  test('once everything is saved, Next from any section goes to the review', () => {
    let d = saveAll(start(), FULL_IDS);
    expect(d.at).toBe('review');
    d = goTo(d, 'family', at(30));
    d = saveSection(d, 'family', {}, 'next', PROFILE, at(31));
    expect(d.at).toBe('review');
  });

  test('Back goes to the previous section, saved or not, and stops at the first', () => {
    let d = saveAll(start(), ['referrer', 'family']);
    d = saveSection(d, 'consent', {}, 'back', PROFILE, at(5));
    expect(d.at).toBe('family');
    expect(d.saved).toContain('consent');
    d = saveSection(d, 'referrer', {}, 'back', PROFILE, at(6));
    expect(d.at).toBe('referrer');
  });

  test('advice calls walk their own four sections', () => {
    const d = saveAll(start('advice'), ['referrer', 'advice', 'risk']);
    expect(d.at).toBe('pickUpThePhone');
    expect(saveAll(d, ['pickUpThePhone'], 10).at).toBe('review');
  });

  test('goTo moves without saving', () => {
    const d = goTo(start(), 'risk', at(1));
    expect(d.at).toBe('risk');
    expect(d.saved).toEqual([]);
    expect(d.answers).toEqual({});
  });
});

describe('step and time', () => {
  test('every change bumps the step: save, goTo, reissue', () => {
    let d = start();
    expect(d.step).toBe(1);
    d = saveSection(d, 'referrer', {}, 'next', PROFILE, at(1));
    expect(d.step).toBe(2);
    d = goTo(d, 'referrer', at(2));
    expect(d.step).toBe(3);
    d = reissue(d, at(3));
    expect(d.step).toBe(4);
    d = saveSection(d, 'referrer', {}, 'stay', PROFILE, at(4));
    expect(d.step).toBe(5);
    expect(d.updatedAt).toBe(at(4).toISOString());
  });

  test('reissue changes nothing but the step and the time', () => {
    const before = saveAll(start(), ['referrer']);
    const after = reissue(before, at(5));
    expect({ ...after, step: 0, updatedAt: '', activeMs: 0 }).toEqual({
      ...before,
      step: 0,
      updatedAt: '',
      activeMs: 0,
    });
  });

  test.each([
    ['short gaps add up', [3, 7], 7],
    ['exactly 10 minutes counts in full', [10], 10],
    ['a long break counts as 10 minutes', [180], 10],
    ['a break overnight then more work', [2, 60 * 14, 60 * 14 + 5], 2 + 10 + 5],
  ])('activeMs: %s', (_name, minutes, expected) => {
    let d = start();
    for (const m of minutes) d = reissue(d, at(m));
    expect(d.activeMs).toBe(expected * 60_000);
  });

  test('a clock going backwards adds no time', () => {
    const d = reissue(reissue(start(), at(5)), at(2));
    expect(d.activeMs).toBe(5 * 60_000);
  });
});

describe('progress', () => {
  test('at the start', () => {
    const p = progress(start(), PROFILE);
    expect(p).toEqual({
      index: 1,
      count: 12,
      minutesUsed: 0,
      minutesTotal: 45,
      keyPointsCovered: 0,
      keyPointsTotal: 6,
      text: 'Section 1 of 12 · 0 of 45 minutes · key points covered 0 of 6',
    });
  });

  test('key points count only the saved key-point sections', () => {
    // referrer, family, consent carry no key point; relationship is key point 1
    let d = saveAll(start(), ['referrer', 'family', 'consent']);
    expect(progress(d, PROFILE).keyPointsCovered).toBe(0);
    d = saveAll(d, ['relationship'], 4);
    expect(progress(d, PROFILE).text).toBe('Section 5 of 12 · 4 of 45 minutes · key points covered 1 of 6');
    // skipping ahead does not cover anything
    d = goTo(d, 'universal', at(5));
    expect(progress(d, PROFILE)).toMatchObject({ index: 9, keyPointsCovered: 1 });
  });

  test('at the review with everything saved', () => {
    const d = saveAll(start(), FULL_IDS);
    expect(progress(d, PROFILE).text).toBe('Review · 12 of 45 minutes · key points covered 6 of 6');
    expect(progress(d, PROFILE).index).toBe(12);
  });

  test('minutes are rounded and the total comes from the profile', () => {
    const d = reissue(start(), new Date(T0.getTime() + 90_000));
    expect(progress(d, PROFILE).minutesUsed).toBe(2);
    expect(progress(reissue(start(), new Date(T0.getTime() + 89_000)), PROFILE).minutesUsed).toBe(1);
    expect(progress(d, { ...PROFILE, callMinutes: 60 }).text).toContain('2 of 60 minutes');
  });

  test('advice-only calls say so instead of counting key points', () => {
    const p = progress(saveAll(start('advice'), ['referrer']), PROFILE);
    expect(p.keyPointsCovered).toBeNull();
    expect(p.text).toBe('Section 2 of 4 · 1 of 45 minutes · advice only');
  });
});

describe('isComplete', () => {
  test('only when every section of the call is saved', () => {
    let d = start();
    for (const id of FULL_IDS) {
      expect(isComplete(d, PROFILE)).toBe(false);
      d = saveSection(d, id, {}, 'next', PROFILE, at(1));
    }
    expect(isComplete(d, PROFILE)).toBe(true);
  });

  test('an advice call is complete after its four sections', () => {
    expect(isComplete(saveAll(start('advice'), ADVICE_IDS), PROFILE)).toBe(true);
    expect(isComplete(saveAll(start('advice'), ['referrer', 'advice', 'risk']), PROFILE)).toBe(false);
  });
});

describe('pick-up-the-phone pages', () => {
  const pages = 3;
  const atPhone = () =>
    goTo(saveAll(start(), FULL_IDS.slice(0, FULL_IDS.indexOf('pickUpThePhone'))), 'pickUpThePhone', at(30));

  test('pageOf and pageCount hold three prompts a page', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(PROMPTS_PER_PAGE).toBe(3);
    expect(pageCount(0)).toBe(1);
    expect(pageCount(3)).toBe(1);
    expect(pageCount(4)).toBe(2);
    expect(pageCount(10)).toBe(4);
    expect(pageOf(ten, 0)).toEqual([0, 1, 2]);
    expect(pageOf(ten, 3)).toEqual([9]);
  });

  test('Next turns the page and keeps the answers without marking the section saved', () => {
    const d = savePhonePage(atPhone(), { 'a.status': 'phoned' }, 'next', pages, PROFILE, at(31));
    expect(d.at).toBe('pickUpThePhone');
    expect(d.page).toBe(1);
    expect(d.answers.pickUpThePhone).toEqual({ 'a.status': 'phoned' });
    expect(d.saved).not.toContain('pickUpThePhone');
  });

  test('Next on the last page saves the section and moves on, back to page one', () => {
    let d = atPhone();
    for (let p = 0; p < pages; p++)
      d = savePhonePage(d, { [`p${p}.status`]: 'phoned' }, 'next', pages, PROFILE, at(31 + p));
    expect(d.at).toBe('referral');
    expect(d.page).toBe(0);
    expect(d.saved).toContain('pickUpThePhone');
  });

  test('Save keeps the page', () => {
    const d = savePhonePage({ ...atPhone(), page: 2 }, { x: 'y' }, 'stay', pages, PROFILE, at(31));
    expect(d.at).toBe('pickUpThePhone');
    expect(d.page).toBe(2);
  });
});
