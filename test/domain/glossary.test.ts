import { readFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
import { checklist, type ServiceProfile } from '../../src/domain/checklist';
import {
  CARD_TERMS,
  GLOSSARY,
  GLOSSARY_SOURCE,
  isGlossaryQuestion,
  listTerms,
  lookupTerm,
} from '../../src/domain/glossary';
import { describeWithSources, seedPath } from '../harness/source-documents';

const TEST_PROFILE: ServiceProfile = {
  serviceName: 'Test IMH Service',
  areaName: 'Test area',
  postcodeDistricts: ['LE1'],
  localAuthorities: ['Leicester'],
  adviceLineNumber: '0116 111 2222',
  frontDoorName: 'children’s social care front door',
  outOfHoursName: 'Emergency Duty Team',
  callMinutes: 45,
  timeZone: 'Europe/London',
};

// the framework's text, from the source documents beside the repository
const SEED = seedPath('002_a5ddbef3a8bdc822.txt');

// The Key Terms section of the framework, from its heading line to the acknowledgements.
function keyTermsLines(): string[] {
  const lines = readFileSync(SEED, 'utf8').split('\n');
  const start = lines.indexOf('Key Terms');
  const end = lines.indexOf('Acknowledgements', start);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return lines.slice(start + 1, end);
}

// Headings in the seed are sometimes bold (**Dyad**) or quoted (“Ghosts in the nursery”).
function headingText(line: string): string {
  return line
    .replace(/\*\*/g, '')
    .replace(/[\u201c\u201d"]/g, '')
    .trim();
}

const TERMS = [
  'Agency',
  'Attachment',
  'Attunement',
  'Bonding',
  'Contingent responsiveness',
  'Disorganised attachment',
  'Dyad',
  'Ecological context of parenting',
  'Emotional regulation and dysregulation',
  'Ghosts in the nursery',
  'Health Prevention',
  'Infant',
  'Insecure attachment',
  'Interactions',
  'Marked mirroring',
  'Maternal representations (of her baby)',
  'Mentalization',
  'Mind-mindedness',
  'Reflective Function',
  'Reflective Practice',
  'Regulatory disorders',
  'Resilience',
  'Risk',
  'Secure attachment',
  'Self',
  'Unresolved trauma',
  'Temperament',
  'Team around the child (TAC)',
  'Perinatal',
];

test('the glossary holds every key term of the framework, in its order', () => {
  expect(GLOSSARY.map((e) => e.term)).toEqual(TERMS);
});

test('the source names the framework section', () => {
  expect(GLOSSARY_SOURCE).toBe(
    'Infant Mental Health Competencies Framework (pregnancy to 2 years), Key Terms',
  );
});

describeWithSources('glossary against the framework', () => {
  test.each(GLOSSARY.map((entry, i) => [entry.term, i] as const))(
    'definition of %s is the text under its heading in the framework, verbatim',
    (term, i) => {
      const lines = keyTermsLines();
      const headingAt = lines.findIndex((line) => headingText(line) === term);
      expect(headingAt, `heading for ${term}`).toBeGreaterThan(-1);
      const next = GLOSSARY[i + 1];
      const nextAt = next ? lines.findIndex((line) => headingText(line) === next.term) : lines.length;
      expect(nextAt, `heading after ${term}`).toBeGreaterThan(headingAt);
      const body = lines
        .slice(headingAt + 1, nextAt)
        .join('\n')
        .trim();
      expect(GLOSSARY[i]!.definition).toBe(body);
    },
  );
});

test('the attunement definition matches the framework', () => {
  expect(lookupTerm('attunement')?.definition).toBe(
    'The cross-modal sharing of positive emotional states. Parents are not attuned to their infants all of the time. It is through the healthy "ruptures" and "repairs" to attunement that learning about interaction and the regulation of emotions takes place.',
  );
});

test('health prevention keeps its a/b/c list of levels', () => {
  const definition = lookupTerm('health prevention')!.definition;
  expect(definition).toMatch(/^Health prevention is defined as/);
  expect(definition).toContain('- a) Primary prevention');
  expect(definition).toContain('- b) Secondary prevention');
  expect(definition).toMatch(/- c\) Tertiary prevention .*domestic abuse\)\.$/);
});

test.each([
  ['what is attunement?', 'Attunement'],
  ['attunement', 'Attunement'],
  ['ATTUNEMENT', 'Attunement'],
  ['define attuned', 'Attunement'],
  ['What does mentalisation mean', 'Mentalization'],
  ['What does mentalization mean?', 'Mentalization'],
  ['what is mentalising', 'Mentalization'],
  ['mentalizing', 'Mentalization'],
  ['define dyad', 'Dyad'],
  ['what is a dyad', 'Dyad'],
  ['dyad meaning', 'Dyad'],
  ['explain "ghosts in the nursery"', 'Ghosts in the nursery'],
  ['explain “ghosts in the nursery”', 'Ghosts in the nursery'],
  ['what are ghosts', 'Ghosts in the nursery'],
  ['whats TAC', 'Team around the child (TAC)'],
  ["what's TAC?", 'Team around the child (TAC)'],
  ['What’s the team around the child', 'Team around the child (TAC)'],
  ['meaning of mind-mindedness', 'Mind-mindedness'],
  ['mind mindedness', 'Mind-mindedness'],
  ['what is attachment', 'Attachment'],
  ['what is disorganised attachment', 'Disorganised attachment'],
  ['what is disorganized attachment?', 'Disorganised attachment'],
  ['what is secure attachment', 'Secure attachment'],
  ['what is insecure attachment', 'Insecure attachment'],
  ['define reflective functioning', 'Reflective Function'],
  ['what is reflective function', 'Reflective Function'],
  ['what is reflective practice', 'Reflective Practice'],
  ['what is maternal representations', 'Maternal representations (of her baby)'],
  ['what is the ecological context of parenting?', 'Ecological context of parenting'],
  ['what is primary prevention', 'Health Prevention'],
  ['what is emotional dysregulation', 'Emotional regulation and dysregulation'],
  ['what does contingent mean', 'Contingent responsiveness'],
  ['WHAT IS PERINATAL', 'Perinatal'],
  ['tell me about temperament please', 'Temperament'],
  ['what is the meaning of the term resilience', 'Resilience'],
  ['what is secure attachment in infants', 'Secure attachment'],
  ['how does disorganised attachment relate to unresolved trauma', 'Disorganised attachment'],
  ['is this insecure attachment or attachment', 'Insecure attachment'],
  ['is unresolved trauma linked to disorganised attachment', 'Disorganised attachment'],
  ['attachment versus secure attachment', 'Secure attachment'],
])('lookupTerm(%j) is %s', (question, term) => {
  expect(lookupTerm(question)?.term).toBe(term);
});

test.each([
  [''],
  ['   '],
  ['?'],
  ['what is'],
  ['hello'],
  ['start'],
  ['what is the referral process'],
  ['what is co-regulation'],
  ['define secure'],
  ['attach'],
])('lookupTerm(%j) finds nothing', (question) => {
  expect(lookupTerm(question)).toBeUndefined();
});

test.each(
  GLOSSARY.flatMap((entry) => [entry.term, ...entry.aliases].map((key) => [key, entry.term] as const)),
)('%j looks up %s and is a glossary question on its own', (key, term) => {
  expect(lookupTerm(key)?.term).toBe(term);
  expect(lookupTerm(`What is ${key}?`)?.term).toBe(term);
  expect(isGlossaryQuestion(key)).toBe(true);
});

test.each([
  ['what is attunement?'],
  ["what's TAC"],
  ['whats tac'],
  ['What does mentalisation mean?'],
  ['define dyad'],
  ['explain ghosts in the nursery'],
  ['meaning of marked mirroring'],
  ['what is meant by bonding'],
  ['attunement'],
  ['Attunement!'],
  ['TAC'],
])('isGlossaryQuestion(%j) is true', (text) => {
  expect(isGlossaryQuestion(text)).toBe(true);
});

test.each([
  ['start'],
  ['hello'],
  ['hi there'],
  ['help'],
  ['yes'],
  [''],
  ['what is'],
  ['what is co-regulation'],
  ['what is the referral process for infants'],
  ['what is the risk level for this baby'],
  ['I am worried about attachment'],
  ['attunement is poor between mum and baby'],
])('isGlossaryQuestion(%j) is false', (text) => {
  expect(isGlossaryQuestion(text)).toBe(false);
});

test('listTerms gives every term once, alphabetically', () => {
  const terms = listTerms();
  expect(terms).toHaveLength(TERMS.length);
  expect(new Set(terms)).toEqual(new Set(TERMS));
  expect(terms[0]).toBe('Agency');
  expect(terms.at(-1)).toBe('Unresolved trauma');
  expect(terms.indexOf('Temperament')).toBeLessThan(terms.indexOf('Unresolved trauma'));
  expect(terms.indexOf('Team around the child (TAC)')).toBeLessThan(terms.indexOf('Temperament'));
});

// Issue 9, build item 6: every IMH term a card uses gets an answer to "what is X?". Terms the
// framework defines answer with its definition; the others (CARD_TERMS) say that the source
// documents do not define them and quote what the sources do say, naming the document.
const SECTION_TEXT = ['full', 'advice']
  .flatMap((kind) => checklist(kind as 'full' | 'advice', TEST_PROFILE))
  .flatMap((s) => [
    s.title,
    s.intro ?? '',
    ...s.fields.flatMap((f) => [
      f.label,
      ...('choices' in f && f.choices ? f.choices.map((c) => c.title) : []),
    ]),
  ])
  .join('\n')
  .toLowerCase();

test.each([
  ['misattunement', 'Misattunement'],
  ['Early Attachment Observation', 'Early Attachment Observation'],
  ['emotional availability', 'Emotional availability'],
  ['bonding', 'Bonding'],
  ['perinatal', 'Perinatal'],
  ['attachment', 'Attachment'],
  ['hold the infant’s experience in mind', 'Holding the baby in mind'],
])('the cards use "%s", and "what is" it answers with %s', (onCard, term) => {
  expect(SECTION_TEXT).toContain(onCard.toLowerCase());
  expect(lookupTerm(`what is ${onCard}?`)?.term).toBe(term);
  expect(isGlossaryQuestion(`what is ${onCard}?`)).toBe(true);
});

test('what is misattunement? says the sources do not define it, and gives the framework’s attunement', () => {
  const entry = lookupTerm('what is misattunement?')!;
  expect(entry.definition).toContain('The source documents do not define misattunement.');
  expect(entry.definition).toContain(GLOSSARY.find((e) => e.term === 'Attunement')!.definition);
  expect(entry.source).toMatch(/One Minute Guide/);
});

test('terms from the cards do not change the framework’s list', () => {
  expect(CARD_TERMS.every((e) => !TERMS.includes(e.term))).toBe(true);
  expect(listTerms()).toHaveLength(TERMS.length);
});

describeWithSources('card terms against the source documents', () => {
  // read when the tests run, not when they are collected: a skipped suite still collects
  let seeds: string[] = [];
  beforeAll(() => {
    seeds = ['000_655924237c340403.txt', '002_a5ddbef3a8bdc822.txt', '004_df7203757676cc30.txt'].map((f) =>
      readFileSync(seedPath(f), 'utf8').replace(/\*+/g, '').replace(/\s+/g, ' '),
    );
  });
  test.each(CARD_TERMS.map((e) => [e.term, e] as const))(
    'every quotation in the answer for %s is verbatim in a source document',
    (_term, entry) => {
      const quotes = [...entry.definition.matchAll(/“([^”]+)”/g)].map((m) => m[1]!.replace(/\s+/g, ' '));
      expect(quotes.length).toBeGreaterThan(0);
      for (const quote of quotes)
        expect(
          seeds.some((s) => s.includes(quote)),
          quote,
        ).toBe(true);
    },
  );
});
