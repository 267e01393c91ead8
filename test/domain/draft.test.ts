import { describe, expect, test } from 'vitest';
import { checklist } from '../../src/domain/checklist';
import {
  type Draft,
  goTo,
  isComplete,
  keepTyped,
  PROMPTS_PER_PAGE,
  pageAt,
  pageCount,
  pageOf,
  progress,
  reissue,
  savePage,
  savePhonePage,
  sectionSaved,
  sectionsOf,
  sectionTyped,
  startDraft,
} from '../../src/domain/draft';
import { type PageId, pagesOf } from '../../src/domain/pages';
import { PROFILE, TODAY } from '../fixtures/calls';

const T0 = new Date('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const FULL_IDS = checklist('full', PROFILE).map((s) => s.id);
const ADVICE_IDS = checklist('advice', PROFILE).map((s) => s.id);
const FULL_PAGES = pagesOf('full').map((p) => p.id);
const ADVICE_PAGES = pagesOf('advice').map((p) => p.id);

const start = (kind: 'full' | 'advice' = 'full') => startDraft('d1', kind, T0, TODAY);

/** Saves the given pages in turn with Next, one minute apart. */
function saveAll(draft: Draft, ids: readonly PageId[], minute = 1): Draft {
  let d = draft;
  ids.forEach((id, i) => {
    d = savePage(d, id, {}, 'next', at(minute + i));
  });
  return d;
}

describe('startDraft', () => {
  test('starts at the first page with nothing saved, in the layout of pages', () => {
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
      layout: 2,
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

  test('a full call is seven cards and an advice call four (issue 9: at most 8 before the review)', () => {
    expect(FULL_PAGES).toEqual([
      'referrer',
      'family',
      'relationship',
      'services',
      'risk',
      'pickUpThePhone',
      'referral',
    ]);
    expect(ADVICE_PAGES).toEqual(['referrer', 'advice', 'risk', 'pickUpThePhone']);
  });
});

describe('navigation', () => {
  test('Next walks through the pages in order, then to the review', () => {
    let d = start();
    const visited: string[] = [d.at];
    for (const _ of FULL_PAGES) {
      d = savePage(d, d.at as PageId, {}, 'next', at(1));
      visited.push(d.at);
    }
    expect(visited).toEqual([...FULL_PAGES, 'review']);
  });

  test('saving stores the answers under each section of the page and records the page as saved once', () => {
    let d = savePage(
      start(),
      'referrer',
      { referrer: { name: 'A' }, family: { stage: 'born' } },
      'stay',
      at(1),
    );
    d = savePage(d, 'referrer', { referrer: { name: 'B' }, family: { stage: 'born' } }, 'stay', at(2));
    expect(d.answers.referrer).toEqual({ name: 'B' });
    expect(d.answers.family).toEqual({ stage: 'born' });
    expect(d.saved).toEqual(['referrer']);
    expect(d.at).toBe('referrer');
  });

  test('saving a page leaves the sections of other pages as they were', () => {
    let d = savePage(start(), 'relationship', { relationship: { concerns: ['anxiety'] } }, 'stay', at(1));
    d = savePage(d, 'services', { services: { socialCare: 'none' } }, 'stay', at(2));
    expect(d.answers).toEqual({ relationship: { concerns: ['anxiety'] }, services: { socialCare: 'none' } });
  });

  test('Next goes to the next page in order, saved or not (issue 9: it used to skip saved ones)', () => {
    let d = saveAll(start(), ['referrer', 'family']);
    expect(d.at).toBe('relationship');
    d = goTo(d, 'referrer', at(10));
    d = savePage(d, 'referrer', {}, 'next', at(11));
    expect(d.at).toBe('family');
  });

  test('with a page still unsaved, Next on the last page goes to the review, which lists what is missing', () => {
    const allButFamily = FULL_PAGES.filter((id) => id !== 'family');
    const d = saveAll(start(), allButFamily);
    expect(d.at).toBe('review');
    expect(isComplete(d)).toBe(false);
  });

  test('what was typed is kept per page, unsaved, until the page is saved valid', () => {
    let d = saveAll(start(), ['referrer']);
    d = keepTyped(d, 'family', { 'family.infantName': 'Half typed' });
    d = goTo(d, 'referrer', at(5));
    expect(d.typed?.family).toEqual({ 'family.infantName': 'Half typed' });
    expect(d.answers.family).toBeUndefined();
    expect(d.saved).toEqual(['referrer']);
    expect(sectionTyped(d, 'family')).toBe(true);
    expect(sectionTyped(d, 'consent')).toBe(false);
    // pick-up-the-phone pages merge; other pages are replaced
    d = keepTyped(d, 'family', { 'consent.consent': 'yes' });
    expect(d.typed?.family).toEqual({ 'consent.consent': 'yes' });
    d = keepTyped(d, 'pickUpThePhone', { 'pickUpThePhone.a.notes': '1' });
    d = keepTyped(d, 'pickUpThePhone', { 'pickUpThePhone.b.notes': '2' });
    expect(d.typed?.pickUpThePhone).toEqual({
      'pickUpThePhone.a.notes': '1',
      'pickUpThePhone.b.notes': '2',
    });
    d = savePage(d, 'family', { family: { infantName: 'Ada' } }, 'stay', at(6));
    expect(d.typed?.family).toBeUndefined();
    expect(d.typed?.pickUpThePhone).toBeDefined();
    d = savePage(d, 'pickUpThePhone', {}, 'stay', at(7));
    expect(d.typed).toBeUndefined();
    expect(d).not.toHaveProperty('typed');
  });

  test('once everything is saved, Next from any page goes to the review', () => {
    let d = saveAll(start(), FULL_PAGES);
    expect(d.at).toBe('review');
    d = goTo(d, 'family', at(30));
    d = savePage(d, 'family', {}, 'next', at(31));
    expect(d.at).toBe('review');
  });

  test('Back goes to the previous page, saved or not, and stops at the first', () => {
    let d = saveAll(start(), ['referrer', 'family']);
    d = savePage(d, 'relationship', {}, 'back', at(5));
    expect(d.at).toBe('family');
    expect(d.saved).toContain('relationship');
    d = savePage(d, 'referrer', {}, 'back', at(6));
    expect(d.at).toBe('referrer');
  });

  test('advice calls walk their own four pages', () => {
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

  test('pageAt is the card on screen; none at the review', () => {
    expect(pageAt(start())?.id).toBe('referrer');
    expect(pageAt(goTo(start(), 'services', at(1)))?.title).toMatch(/Key points 5 and 6/);
    expect(pageAt(goTo(start(), 'review', at(1)))).toBeUndefined();
  });
});

describe('sectionSaved', () => {
  test('a section is saved once every page asking it is saved: family is split over the first two cards', () => {
    let d = saveAll(start(), ['referrer']);
    expect(sectionSaved(d, 'referrer')).toBe(true);
    expect(sectionSaved(d, 'family')).toBe(false);
    expect(sectionSaved(d, 'consent')).toBe(false);
    d = saveAll(d, ['family'], 2);
    expect(sectionSaved(d, 'family')).toBe(true);
    expect(sectionSaved(d, 'consent')).toBe(true);
    // the family card alone does not save the stage asked on the first card
    const familyOnly = saveAll(start(), ['family']);
    expect(sectionSaved(familyOnly, 'family')).toBe(false);
  });

  test('the key-point sections are saved with the pages that ask them', () => {
    const d = saveAll(start(), ['relationship']);
    for (const id of ['relationship', 'infant', 'availability', 'context'] as const)
      expect(sectionSaved(d, id)).toBe(true);
    expect(sectionSaved(d, 'services')).toBe(false);
    expect(sectionSaved(d, 'universal')).toBe(false);
  });

  test('a section not in the call is never saved', () => {
    const d = saveAll(start('advice'), ADVICE_PAGES);
    expect(sectionSaved(d, 'advice')).toBe(true);
    expect(sectionSaved(d, 'family')).toBe(false);
  });
});

describe('step and time', () => {
  test('every change bumps the step: save, goTo, reissue', () => {
    let d = start();
    expect(d.step).toBe(1);
    d = savePage(d, 'referrer', {}, 'next', at(1));
    expect(d.step).toBe(2);
    d = goTo(d, 'referrer', at(2));
    expect(d.step).toBe(3);
    d = reissue(d, at(3));
    expect(d.step).toBe(4);
    d = savePage(d, 'referrer', {}, 'stay', at(4));
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
      count: 7,
      minutesUsed: 0,
      minutesTotal: 45,
      keyPointsCovered: 0,
      keyPointsTotal: 6,
      text: 'Step 1 of 7 · 0 of 45 minutes · key points covered 0 of 6',
    });
  });

  test('key points count only the saved key-point sections', () => {
    // the referrer and family cards carry no key point; the relationship card is key points 1 to 4
    let d = saveAll(start(), ['referrer', 'family']);
    expect(progress(d, PROFILE).keyPointsCovered).toBe(0);
    d = saveAll(d, ['relationship'], 3);
    expect(progress(d, PROFILE).text).toBe('Step 4 of 7 · 3 of 45 minutes · key points covered 4 of 6');
    // skipping ahead does not cover anything
    d = goTo(d, 'risk', at(5));
    expect(progress(d, PROFILE)).toMatchObject({ index: 5, keyPointsCovered: 4 });
    d = saveAll(d, ['services'], 6);
    expect(progress(d, PROFILE).keyPointsCovered).toBe(6);
  });

  test('at the review with everything saved', () => {
    const d = saveAll(start(), FULL_PAGES);
    expect(progress(d, PROFILE).text).toBe('Review · 7 of 45 minutes · key points covered 6 of 6');
    expect(progress(d, PROFILE).index).toBe(7);
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
    expect(p.text).toBe('Step 2 of 4 · 1 of 45 minutes · advice only');
  });
});

describe('isComplete', () => {
  test('only when every page of the call is saved', () => {
    let d = start();
    for (const id of FULL_PAGES) {
      expect(isComplete(d)).toBe(false);
      d = savePage(d, id, {}, 'next', at(1));
    }
    expect(isComplete(d)).toBe(true);
  });

  test('an advice call is complete after its four pages', () => {
    expect(isComplete(saveAll(start('advice'), ADVICE_PAGES))).toBe(true);
    expect(isComplete(saveAll(start('advice'), ['referrer', 'advice', 'risk']))).toBe(false);
  });
});

describe('pick-up-the-phone pages', () => {
  const pages = 3;
  const atPhone = () =>
    goTo(
      saveAll(start(), FULL_PAGES.slice(0, FULL_PAGES.indexOf('pickUpThePhone'))),
      'pickUpThePhone',
      at(30),
    );

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
    const d = savePhonePage(atPhone(), { 'a.status': 'phoned' }, 'next', pages, at(31));
    expect(d.at).toBe('pickUpThePhone');
    expect(d.page).toBe(1);
    expect(d.answers.pickUpThePhone).toEqual({ 'a.status': 'phoned' });
    expect(d.saved).not.toContain('pickUpThePhone');
  });

  test('Next on the last page saves the section and moves on, back to page one', () => {
    let d = atPhone();
    for (let p = 0; p < pages; p++)
      d = savePhonePage(d, { [`p${p}.status`]: 'phoned' }, 'next', pages, at(31 + p));
    expect(d.at).toBe('referral');
    expect(d.page).toBe(0);
    expect(d.saved).toContain('pickUpThePhone');
  });

  test('Save keeps the page', () => {
    const d = savePhonePage({ ...atPhone(), page: 2 }, { x: 'y' }, 'stay', pages, at(31));
    expect(d.at).toBe('pickUpThePhone');
    expect(d.page).toBe(2);
  });
});
