import { describe, expect, test } from 'vitest';
import { editDistance, matchIntent, normaliseText } from '../../src/domain/intents';

describe('normalisation', () => {
  test('lowercases, drops punctuation and apostrophes, folds spaces', () => {
    expect(normaliseText("  I'd LIKE to   make a Referral!! ")).toBe('id like to make a referral');
    expect(normaliseText('Where was I?')).toBe('where was i');
  });
});

describe('edit distance (with transpositions)', () => {
  test.each([
    ['start', 'start', 0],
    ['strat', 'start', 1],
    ['refferal', 'referral', 2],
    ['referal', 'referral', 1],
    ['cancle', 'cancel', 1],
  ] as const)('%s to %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('matchIntent', () => {
  test.each([
    ['I want to refer a baby', 'start'],
    ['i would like to refer an infant', 'start'],
    ['new referral', 'start'],
    ['make a referral', 'start'],
    ['I want to make a refferal', 'start'],
    ['referal', 'start'],
    ['duty call', 'start'],
    ['new duty call please', 'start'],
    ['strat', 'start'],
    ['Start!', 'start'],
    ['begin', 'start'],
    ['how do I make a referral?', 'start'],
    ['I just need some advice', 'advice'],
    ['advice call', 'advice'],
    ['advise', 'advice'],
    ['carry on', 'resume'],
    ['continue', 'resume'],
    ['contineu', 'resume'],
    ['where was I', 'resume'],
    ['resmue', 'resume'],
    ['back to my referral', 'resume'],
    ['what can you do', 'help'],
    ['?', 'help'],
    ['??', 'help'],
    ['how does this work', 'help'],
    ['hlep', 'help'],
    ['urgent', 'urgent'],
    ['URGENT!!!', 'urgent'],
    ['this is an emergency', 'urgent'],
    ['emergancy', 'urgent'],
    ['baby is in danger', 'urgent'],
    ['need help now', 'urgent'],
    ['the baby is not safe', 'urgent'],
    ['urgent referral', 'urgent'],
    ['I need to speak to someone', 'speak'],
    ['can I talk to a person', 'speak'],
    ['phone', 'speak'],
    ['can someone call me', 'speak'],
    ['what is the advice line number', 'speak'],
    ['speak to the duty team', 'speak'],
  ] as const)('"%s" is %s', (text, intent) => {
    expect(matchIntent(text)).toBe(intent);
  });

  test.each([
    // cancel stays exact (handled before the matcher) and confirmed: nothing near it starts anything
    'cancel',
    'cancle',
    'cancel my referral',
    'delete my referral',
    'stop the referral',
    'I do not want to refer',
    "don't start",
    // ordinary words near the command words
    'stare',
    'stats',
    'state',
    'deferral',
    'I want to defer',
    'restart the router',
    'the referral was sent last week what happens now',
    'what is a banana?',
    'please send me the forms',
    'thanks',
    'ok',
    '',
    '   ',
    // not urgent, said so
    'not urgent',
    'this is non-urgent',
    // glossary questions stay glossary questions
    'what is attunement?',
    'risk',
  ])('"%s" matches nothing', (text) => {
    expect(matchIntent(text)).toBeUndefined();
  });
});
