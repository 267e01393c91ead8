/**
 * Words people type (issue 9, build item 6): what a referrer most likely means by free text that is
 * not one of the exact commands. Small, deterministic and local: normalisation, a few synonyms and
 * phrases, and an edit-distance tolerance for the short command words ("strat", "refferal").
 *
 * Conservative by design:
 * - urgent words win over everything else, because the answer to them (call 999, the front door, the
 *   advice line) is what the referrer needs if they mean it, and harmless if they do not;
 * - nothing destructive is ever matched: "cancel" stays an exact command with its own confirmation,
 *   and text that mentions cancelling, deleting or stopping, or says "not", matches nothing here;
 * - anything else that is not clearly one intent matches nothing (the "I did not understand" card).
 */
export type Intent = 'urgent' | 'speak' | 'resume' | 'help' | 'advice' | 'start';

/** Lowercase, no apostrophes, every other run of punctuation or spaces one space. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Edit distance with adjacent transpositions (optimal string alignment): "strat" is 1 from "start". */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) rows[i]!.push(i === 0 ? j : 0);
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

// Real words one edit from a command word: typed on purpose, never read as a misspelling.
const REAL_WORDS = new Set([
  'star',
  'stars',
  'stare',
  'stark',
  'smart',
  'stat',
  'stats',
  'state',
  'stay',
  'heap',
  'held',
  'hemp',
  'kelp',
  'yelp',
  'defer',
  'deferral',
  'prefer',
  'refuel',
]);

/**
 * True when `token` is `word` or a likely misspelling of it: same first letter, and at most one edit
 * for words of 5-6 letters (4 when the word is typed alone), two for words of 7 or more.
 */
function near(token: string, word: string, alone: boolean): boolean {
  if (token === word) return true;
  if (REAL_WORDS.has(token) || token[0] !== word[0]) return false;
  const tolerance = word.length >= 7 ? 2 : word.length >= 5 || (alone && word.length >= 4) ? 1 : 0;
  return (
    tolerance > 0 &&
    Math.abs(token.length - word.length) <= tolerance &&
    editDistance(token, word) <= tolerance
  );
}

// words that carry no meaning of their own for the matcher ("strat please" is typed alone)
const FILLER = new Set([
  'please',
  'pls',
  'thanks',
  'thank',
  'you',
  'hi',
  'hello',
  'ok',
  'okay',
  'the',
  'a',
  'an',
]);

const URGENT_WORDS = ['urgent', 'urgently', 'emergency', 'emergencies'];
const URGENT_EXACT = new Set(['danger', 'dangerous', 'endangered', '999', 'unsafe', 'suicidal']);
const URGENT_PHRASES = [
  'not safe',
  'isnt safe',
  'help now',
  'help asap',
  'help immediately',
  'help right now',
  'at risk now',
  'right now help',
];
const NOT = new Set(['not', 'non', 'no', 'isnt', 'arent', 'nothing', 'never']);

const SPEAK_VERBS = new Set(['speak', 'talk', 'phone', 'ring', 'call', 'contact', 'chat']);
const PEOPLE = new Set([
  'someone',
  'somebody',
  'person',
  'human',
  'anyone',
  'anybody',
  'practitioner',
  'clinician',
  'worker',
  'team',
  'staff',
  'nurse',
  'adviser',
  'advisor',
  'me',
  'back',
  'real',
]);
const SPEAK_PHRASES = ['advice line', 'phone number', 'telephone number', 'contact number', 'call back'];
const SPEAK_ALONE = new Set(['phone', 'telephone', 'callback', 'ring', 'number']);

// mentions of undoing something, or a negation: never a fuzzy start or resume (cancel is exact)
const DESTRUCTIVE = ['cancel', 'delete', 'discard', 'abandon', 'withdraw', 'remove', 'erase'];
const DESTRUCTIVE_EXACT = new Set(['stop', 'quit', 'exit', 'end', 'clear', 'forget', 'undo']);
const NEGATIONS = new Set(['not', 'dont', 'never', 'no', 'cant', 'wont', 'without', 'didnt', 'doesnt']);
// about a referral already made, not a new one
const ALREADY = new Set([
  'sent',
  'submitted',
  'made',
  'happens',
  'happened',
  'received',
  'outcome',
  'progress',
]);

const RESUME_WORDS = ['resume', 'continue'];
const RESUME_PHRASES = [
  'carry on',
  'where was i',
  'where i was',
  'left off',
  'pick up where',
  'back to my',
  'go back to',
];

const HELP_PHRASES = [
  'what can you do',
  'what do you do',
  'what can i do',
  'what can i type',
  'what can i say',
  'how does this work',
  'how does it work',
  'how do i use',
  'how to use',
  'help me',
  'need help',
  'what is this',
  'who are you',
];
const HELP_ALONE = ['help', 'commands', 'menu', 'options', 'instructions'];

const ADVICE_WORDS = ['advice', 'advise'];
const START_WORDS = ['start', 'begin'];
const REFER_WORDS = ['refer', 'referral', 'referrals', 'referring', 'referred'];
const START_PHRASES = ['duty call', 'new call', 'new case'];
const QUESTION_WORDS = new Set(['what', 'why', 'when', 'who', 'where', 'which', 'is', 'was', 'has', 'did']);
const WANTING = new Set(['want', 'need', 'like', 'make', 'new', 'start', 'begin', 'do', 'can']);

/** What free text most likely asks for, or undefined when it is not clearly one thing. */
export function matchIntent(text: string): Intent | undefined {
  if (/^\s*\?+\s*$/.test(text)) return 'help';
  const norm = normaliseText(text);
  if (norm === '') return undefined;
  const words = norm.split(' ');
  const content = words.filter((w) => !FILLER.has(w));
  const alone = content.length === 1;
  const padded = ` ${norm} `;
  const phrase = (p: string) => padded.includes(` ${p} `);
  const any = (list: readonly string[]) => words.some((w) => list.some((k) => near(w, k, alone)));

  // urgent first, unless said not to be ("not urgent", "non-urgent")
  const urgentAt = words.findIndex(
    (w, i) =>
      (URGENT_EXACT.has(w) || URGENT_WORDS.some((k) => near(w, k, alone))) && !NOT.has(words[i - 1] ?? ''),
  );
  if (urgentAt >= 0 || URGENT_PHRASES.some(phrase)) return 'urgent';

  const verbAt = words.findIndex((w) => SPEAK_VERBS.has(w));
  const speak =
    SPEAK_PHRASES.some(phrase) ||
    (alone && SPEAK_ALONE.has(content[0]!)) ||
    (verbAt >= 0 &&
      words.some((w, i) => PEOPLE.has(w) && (i > verbAt || w === 'someone' || w === 'somebody')));
  if (speak) return 'speak';

  const destructive = words.some(
    (w) => DESTRUCTIVE_EXACT.has(w) || NEGATIONS.has(w) || DESTRUCTIVE.some((k) => near(w, k, alone)),
  );
  if (destructive) return undefined;

  if (any(RESUME_WORDS) || RESUME_PHRASES.some(phrase)) return 'resume';
  if (HELP_PHRASES.some(phrase) || (alone && HELP_ALONE.some((k) => near(content[0]!, k, true))))
    return 'help';

  const question = QUESTION_WORDS.has(words[0]!) && !words.some((w) => WANTING.has(w));
  if (question || words.some((w) => ALREADY.has(w))) return undefined;
  if (any(ADVICE_WORDS)) return 'advice';
  if (any(START_WORDS) || any(REFER_WORDS) || START_PHRASES.some(phrase)) return 'start';
  return undefined;
}
