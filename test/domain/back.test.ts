import { describe, expect, it } from 'vitest';
import { goBack, keepTypedOnBack } from '../../src/domain/back';
import { goTo, pageCount, sectionTyped } from '../../src/domain/draft';
import { pagesOf } from '../../src/domain/pages';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { FULL_CALL } from '../fixtures/answers';
import { completedDraft, PROFILE } from '../fixtures/calls';
import { buildDraft, WORST_PROFILE, worstAnswers } from '../fixtures/card-scenarios';

// Back on a card (src/domain/back.ts): where it goes and what typed text stays. The bot's tests press
// Back through whole calls; these pin the rule itself.

const NOW = new Date('2026-11-20T11:00:00Z');
const draft = completedDraft('full', FULL_CALL);
const pages = pagesOf('full').map((p) => p.id);

describe('Back', () => {
  it('goes to the card before, from the review to the last card, and stays on the first', () => {
    expect(goBack(goTo(draft, pages[2]!, NOW), NOW)).toMatchObject({ at: pages[1], page: 0 });
    expect(goBack(goTo(draft, 'review', NOW), NOW).at).toBe(pages[pages.length - 1]);
    expect(goBack(goTo(draft, pages[0]!, NOW), NOW)).toMatchObject({ at: pages[0], page: 0 });
  });

  it('turns back a page of pick-up-the-phone prompts before leaving the card, and comes into it on its last page', () => {
    // a call with every prompt: more than one page of them
    const draft = buildDraft('full', worstAnswers('mixed'), WORST_PROFILE);
    const phonePages = pageCount(phonePrompts(draft.answers).length);
    expect(phonePages).toBeGreaterThan(1);
    expect(goBack(goTo(draft, 'pickUpThePhone', NOW, 1), NOW)).toMatchObject({
      at: 'pickUpThePhone',
      page: 0,
    });
    const before = pages[pages.indexOf('pickUpThePhone') - 1]!;
    expect(goBack(goTo(draft, 'pickUpThePhone', NOW, 0), NOW)).toMatchObject({ at: before, page: 0 });
    const after = pages[pages.indexOf('pickUpThePhone') + 1];
    const into = after ? goTo(draft, after, NOW) : goTo(draft, 'review', NOW);
    expect(goBack(into, NOW)).toMatchObject({ at: 'pickUpThePhone', page: phonePages - 1 });
  });

  it('keeps what was typed on the card left, unsaved, and drops an older typed copy when typed back to the saved answers', () => {
    const onFamily = goTo(draft, 'family', NOW);
    const name = 'family.infantName';
    const changed = keepTypedOnBack(onFamily, PROFILE, { [name]: 'Another Name' });
    expect(changed.typed?.family?.[name]).toBe('Another Name');
    // nothing saved by going back
    expect(changed.answers).toEqual(draft.answers);
    expect(sectionTyped(changed, 'family')).toBe(true);
    // typed back to the saved value: the typed copy goes
    const saved = String(draft.answers.family?.infantName ?? '');
    const back = keepTypedOnBack(changed, PROFILE, { [name]: saved });
    expect(back.typed?.family).toBeUndefined();
  });
});
