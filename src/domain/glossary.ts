export interface GlossaryEntry {
  term: string;
  aliases: string[];
  definition: string;
  /** Where the answer comes from, when not the framework's Key Terms (GLOSSARY_SOURCE). */
  source?: string;
}

export const GLOSSARY_SOURCE =
  'Infant Mental Health Competencies Framework (pregnancy to 2 years), Key Terms';

// Definitions are copied verbatim from the framework (including its spelling and
// punctuation) so the bot never paraphrases clinical language; the glossary test
// checks every one against the source text. Aliases are only spelling variants
// and word forms of the term, never related concepts the framework does not define.
export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    term: 'Agency',
    aliases: [],
    definition: "The infant's sense that they are able to influence events and situations.",
  },
  {
    term: 'Attachment',
    aliases: [],
    definition:
      'The primary affective relationship between parent and infant that is structured, initially experienced, and encoded at a bodily level and becomes structured through development as internal templates of expectations in relationships (Internal Working Models).',
  },
  {
    term: 'Attunement',
    aliases: ['attuned', 'attune', 'attuning'],
    definition:
      'The cross-modal sharing of positive emotional states. Parents are not attuned to their infants all of the time. It is through the healthy "ruptures" and "repairs" to attunement that learning about interaction and the regulation of emotions takes place.',
  },
  {
    term: 'Bonding',
    aliases: ['bond'],
    definition:
      'The process of intense emotional connection that takes place between a mother/father/carer and a baby.',
  },
  {
    term: 'Contingent responsiveness',
    aliases: ['contingent', 'contingent response', 'contingent responding', 'responding contingently'],
    definition:
      "The provision by the caretaking adult of a response that corresponds to the baby's specific emotions and needs, such that the baby has an experience of being recognised, effective and safe. The baby's experience of control over his environment, through eliciting a contingent response, can serve to regulate emotional arousal. This is why responding contingently (sensitively) appears often to sooth the infant.",
  },
  {
    term: 'Disorganised attachment',
    aliases: ['disorganised'],
    definition:
      'A category of attachment, which describes the absence of a coherent strategy for dealing with anxiety provoking situations relating to attachment relationships. Disorganised attachment appears to develop out of situations where the infant/child has been exposed to specific forms of distorted parenting and unusual caregiving behaviours that are "atypical", e.g. frightening, frightened, hostile, dissociated, sexualized. Such atypical parenting is thought to be associated with unresolved trauma and overwhelming negative affect in the parent\'s history.',
  },
  {
    term: 'Dyad',
    aliases: ['dyadic', 'dyads'],
    definition: 'Mother and infant or father and infant as a unit.',
  },
  {
    term: 'Ecological context of parenting',
    aliases: ['ecological context'],
    definition:
      'Parenting takes place within a multiplicity of contexts, such as familial, cultural, socio- economic, legal. These different environmental systems influence the way the parent/s believe they should parent and their parenting behaviours and, thus, the development of the baby.',
  },
  {
    term: 'Emotional regulation and dysregulation',
    aliases: ['emotional regulation', 'emotional dysregulation', 'emotion regulation', 'dysregulation'],
    definition:
      "The process by which the levels of positive and negative emotions are kept within manageable bounds, so that they are registered but not experienced as overwhelming. The regulation of the baby's emotions is co-constructed by parent and baby, through sensitive and contingent interactions. If the emotions are too stimulating or frightening s/he may have to defend against the emotions and blank them out altogether. Parents may be in similar states in relation to their own emotional arousal and thus risk dysregulating their babies.",
  },
  {
    term: 'Ghosts in the nursery',
    aliases: ['ghosts', 'ghost in the nursery'],
    definition:
      "Negative and painful feelings from the parent's past that are associated with early relational disturbance that are, transferring into the relationship with the new-born baby, and can significantly distort it. The unresolved emotionally laden “ghosts” get in the way of the baby being seen by the parent in terms of who the baby really is.",
  },
  {
    term: 'Health Prevention',
    aliases: ['prevention', 'primary prevention', 'secondary prevention', 'tertiary prevention'],
    definition:
      'Health prevention is defined as the plans for, and the measures taken, to prevent the onset of a disease or other health problem. There are three distinct levels of prevention:\n\n- a) Primary prevention includes those measures that prevent the onset of problems before the problems occur and can be universal (e.g. health prevention work of health visitors) or targeted (e.g. interventions targeting at risk families).\n- b) Secondary prevention includes methods that involve working with parents where problems have already been identified (e.g. interventions for women with pre or postnatal depression).\n- c) Tertiary prevention involves rehabilitation of those who have already been affected by a health problem such as activities to prevent an established disease from becoming worse (e.g. interventions for women with significant mental health problems; substance dependence or domestic abuse).',
  },
  {
    term: 'Infant',
    aliases: ['infants', 'infancy'],
    definition: "The first 365 days of a baby's life.",
  },
  {
    term: 'Insecure attachment',
    aliases: ['insecurely attached'],
    definition:
      "The situation wherein a child's strategy for managing threat and anxiety is a compromise in that it brings a response from the parent but does not provide the child with a sense of safety and comfort.",
  },
  {
    term: 'Interactions',
    aliases: ['interaction'],
    definition:
      'The bi-directional to-and-fro of exchanges, in this case between parent and infant. The quality of interactions is determined by factors such as emotional tone, rhythm, matchedness and interactive repair. Parental infant interactions have a protective or risk-triggering influence on child developmental outcomes.',
  },
  {
    term: 'Marked mirroring',
    aliases: ['mirroring'],
    definition:
      'A process by which the parent demonstrates to the infant that s/he understands how the baby is feeling and is not frightened or overwhelmed by those feelings. Marked mirroring happens when a parent shows a contingent response to their baby such as looking sad when the baby is crying. When parents mirror the emotion, babies recognise that their feelings are understood. "Marked mirroring" refers to the way in which parents re-enact a modified or exaggerated facial expression, which indicates to the baby that his/her distress is not the parent\'s distress, and can be understood and contained by them.',
  },
  {
    term: 'Maternal representations (of her baby)',
    aliases: ['maternal representations', 'maternal representation'],
    definition:
      "The mother's mental images about the baby. They may reflect the actual baby or be highly tinged by attributions to the baby that originated in another set of relationships",
  },
  {
    term: 'Mentalization',
    aliases: ['mentalizing', 'mentalize'],
    definition:
      'Mentalization refers to the psychological capacity to make sense of actions and behaviours in oneself and in others in terms of underlying feelings and thoughts. Without this process human behaviour can be experienced as meaningless and random. Attributing mental states as guiding the actions of others gives meaning to social interaction',
  },
  {
    term: 'Mind-mindedness',
    aliases: ['mind minded'],
    definition: "The ability to accurately infer or understand others' mental states.",
  },
  {
    term: 'Reflective Function',
    aliases: ['reflective functioning'],
    definition:
      'The capacity of the parent/s to experience the baby (or any other person) as an "intentional being" rather than simply viewing them in terms of physical characteristics or behavior. This helps the child to develop an understanding of mental states in other people, and to regulate their own internal experiences.',
  },
  {
    term: 'Reflective Practice',
    aliases: [],
    definition:
      "The ability to take a step back to think about one's practice and undertake self-appraisal, to consider what is taking place and why, and whether this meets the intentions of the intervention, is serving any other purposes, should be continued as is or rethought. It also involves supervision, and ongoing continuing professional development. To work reflectively means to have an awareness of one's own thoughts and feelings and to question one's assumptions and be able to monitor these and reflect on the way in which they may help/hinder work with parents/infants and professional colleagues.",
  },
  {
    term: 'Regulatory disorders',
    aliases: ['regulatory disorder'],
    definition:
      "The infant's/child's difficulties in regulating their behavior and physiological, sensory, motor or affective processes and in achieving a calm, alert, or affectively positive state.",
  },
  {
    term: 'Resilience',
    aliases: ['resilient'],
    definition: 'The ability of a person to overcome adverse environmental experiences.',
  },
  {
    term: 'Risk',
    aliases: ['risk factors', 'risk factor'],
    definition:
      'The probability of an unfavorable developmental outcome for the baby. In the contents of this competency framework risk factors refer to relational environmental factors that impinge on development.',
  },
  {
    term: 'Secure attachment',
    aliases: ['securely attached'],
    definition:
      "The quality of the child's relationship with him/her parent/caregiver that enables him/her to obtain comfort from the caregiver when distressed and 'use' this to explore him/her environment with a sense of agency.",
  },
  {
    term: 'Self',
    aliases: ['sense of self'],
    definition:
      "The person's subjective sense of who he/she is, which has coherence over space and time. The baby's sense of self is constructed in interaction with his/her parent/s and through the experience of feeling known in the mind of his/her parent/s. The parent's self-representation is changed with the birth of a child.",
  },
  {
    term: 'Unresolved trauma',
    aliases: [],
    definition:
      'Preoccupied states of mind that are unremitting in relation to overwhelming negative experiences and are likely to distort the way in which the current situations are responded to. Parents who have experienced overwhelming trauma may experience states of dissociation in the relationship with the baby, thus re-creating a traumatic experience for the baby.',
  },
  {
    term: 'Temperament',
    aliases: [],
    definition:
      "A baby's natural disposition with regard to their mental, physical, and emotional traits and reaction.",
  },
  {
    term: 'Team around the child (TAC)',
    aliases: ['tac', 'team around the child'],
    definition:
      "The team around the child is a model of multi-agency service provision, and brings together a range of practitioners from across the children and young people's workforce to support an individual child or young person and their family.",
  },
  {
    term: 'Perinatal',
    aliases: ['perinatal period'],
    definition:
      'Describes the period surrounding birth, and traditionally includes the time from foetal viability from about 24 weeks of gestation up to either 7 or 28 days of life.',
  },
];

function frameworkDefinition(term: string): string {
  const entry = GLOSSARY.find((e) => e.term === term);
  if (!entry) throw new Error(`no framework term ${term}`);
  return entry.definition;
}

const DUTY_CALL_GUIDE =
  'One Minute Guide to a duty telephone call with the Infant Mental Health (IMH) service (source document 000)';
const FRAMEWORK = 'the Infant Mental Health Competencies Framework';

/**
 * IMH terms the cards use that the framework's Key Terms do not define (issue 9, build item 6). The
 * source documents give no definition of them, so each answer says so, quotes (in “ ”) what the
 * sources do say where the cards take the term from, and gives the framework's nearest key term: no
 * definition is invented. The glossary test checks every quotation against the source documents.
 */
export const CARD_TERMS: readonly GlossaryEntry[] = [
  {
    term: 'Misattunement',
    aliases: ['misattuned', 'mis attunement'],
    source: `${DUTY_CALL_GUIDE}, and ${FRAMEWORK}, Key Terms`,
    definition: [
      'The source documents do not define misattunement. The duty call guide lists it among the concerns about the relationship to describe: “details of any misattunement, disconnection, distance, anxiety etc. that impacts upon the infant’s world/experience of caregiving”.',
      `The framework defines attunement: “${frameworkDefinition('Attunement')}”`,
    ].join('\n'),
  },
  {
    term: 'Early Attachment Observation',
    aliases: ['early attachment observations', 'eao', '6 8 week early attachment observation'],
    source: `${DUTY_CALL_GUIDE}, and ${FRAMEWORK}, Key Terms`,
    definition: [
      'The source documents do not define the Early Attachment Observation. The duty call guide names it as the best way to learn what the infant is telling us: “ideally by the 6-8 week Early Attachment Observation or observing the infant or referrer liaising with 0-19 Service”.',
      `The framework defines attachment: “${frameworkDefinition('Attachment')}”`,
    ].join('\n'),
  },
  {
    term: 'Emotional availability',
    aliases: ['emotionally available', 'emotional availability or readiness'],
    source: DUTY_CALL_GUIDE,
    definition:
      'The source documents do not define emotional availability. The duty call guide asks it as one of the key points of the call: “If there is a level of emotional availability or readiness from the parent/caregiver to think about their relationship with their infant”.',
  },
  {
    term: 'Holding the baby in mind',
    aliases: [
      'hold the infants experience in mind',
      'holding the infant in mind',
      'hold the baby in mind',
      'keeping the baby in mind',
    ],
    source: `Introduction to infant mental health for medical professionals (source document 004), and ${FRAMEWORK}`,
    definition: [
      "One of the infant mental health principles: “Holding the Baby in Mind” (“Ultimately, it's all about the baby”).",
      'The framework names the knowledge of “the importance of keeping in mind and responding to, the needs of both the parent/s/caregiver and the infant, and the quality and content of the relationship between them”.',
      'The duty call guide says that support from other services “often helps us to create the space to safely hold the infant’s experience in mind”.',
    ].join('\n'),
  },
];

// Each entry is a sequence of tokens; a query loses any number of these from its
// start (questions) or end (suffixes) before the remainder is matched against terms.
const QUESTION_PREFIXES = [
  'what is meant by',
  'whats meant by',
  'what s meant by',
  'what is',
  'whats',
  'what s',
  'what are',
  'what does',
  'what do',
  'define',
  'definition of',
  'meaning of',
  'explain',
  'describe',
  'tell me about',
].map((p) => p.split(' '));

const FILLER_PREFIXES = ['please', 'can you', 'could you', 'the term', 'term', 'the', 'a', 'an'].map((p) =>
  p.split(' '),
);

const QUESTION_SUFFIXES = ['mean', 'means', 'stand for', 'stands for', 'meaning', 'definition'].map((p) =>
  p.split(' '),
);

const FILLER_SUFFIXES = ['please'].map((p) => p.split(' '));

// Lowercases, drops punctuation (hyphens become spaces so "mind-mindedness"
// matches "mind mindedness") and folds UK -ise/-isation spellings onto -ize so
// "mentalisation" and "Mentalization" compare equal.
function canonical(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\b(\w*i)s(ations?|e[sd]?|ing)\b/g, '$1z$2');
}

function startsWith(tokens: string[], phrase: string[]): boolean {
  return phrase.length < tokens.length && phrase.every((word, i) => tokens[i] === word);
}

function endsWith(tokens: string[], phrase: string[]): boolean {
  const offset = tokens.length - phrase.length;
  return offset > 0 && phrase.every((word, i) => tokens[offset + i] === word);
}

interface ParsedQuery {
  text: string;
  subject: string;
  isQuestion: boolean;
}

function parseQuery(input: string): ParsedQuery {
  const text = canonical(input);
  let tokens = text === '' ? [] : text.split(' ');
  let isQuestion = false;

  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const [phrases, asks] of [
      [QUESTION_PREFIXES, true],
      [FILLER_PREFIXES, false],
    ] as const) {
      const phrase = phrases.find((p) => startsWith(tokens, p));
      if (phrase) {
        tokens = tokens.slice(phrase.length);
        isQuestion ||= asks;
        stripped = true;
      }
    }
    for (const [phrases, asks] of [
      [QUESTION_SUFFIXES, true],
      [FILLER_SUFFIXES, false],
    ] as const) {
      const phrase = phrases.find((p) => endsWith(tokens, p));
      if (phrase) {
        tokens = tokens.slice(0, tokens.length - phrase.length);
        isQuestion ||= asks;
        stripped = true;
      }
    }
  }
  return { text, subject: tokens.join(' '), isQuestion };
}

const ENTRY_BY_KEY: ReadonlyMap<string, GlossaryEntry> = new Map(
  [...GLOSSARY, ...CARD_TERMS].flatMap((entry) =>
    [entry.term, entry.term.replace(/\s*\(.*\)\s*/g, ' '), ...entry.aliases].map(
      (key) => [canonical(key), entry] as const,
    ),
  ),
);

/**
 * Finds the glossary entry a free-text question is about, e.g. "what is attunement?",
 * "What does mentalisation mean", "define dyad", "whats TAC" or just "attunement".
 *
 * Matching ignores case, punctuation, leading question words and UK/US -ise/-ize
 * spelling. When several terms appear, the longest wins, so "disorganised attachment"
 * is preferred to "attachment".
 */
export function lookupTerm(question: string): GlossaryEntry | undefined {
  const { subject } = parseQuery(question);
  if (subject === '') return undefined;
  const exact = ENTRY_BY_KEY.get(subject);
  if (exact) return exact;

  const padded = ` ${subject} `;
  let best: { key: string; at: number; entry: GlossaryEntry } | undefined;
  for (const [key, entry] of ENTRY_BY_KEY) {
    const at = padded.indexOf(` ${key} `);
    if (at < 0) continue;
    if (!best || key.length > best.key.length || (key.length === best.key.length && at < best.at)) {
      best = { key, at, entry };
    }
  }
  return best?.entry;
}

/**
 * True when `text` asks for the meaning of a glossary term ("what is X", "what's X",
 * "what does X mean", "define X", "explain X", "meaning of X") or is exactly a term,
 * so that ordinary chat such as "start" or "hello" is left to the rest of the bot.
 * X must be the whole term: "what is the referral process for infants" is not a
 * glossary question even though "infants" names a term.
 */
export function isGlossaryQuestion(text: string): boolean {
  const query = parseQuery(text);
  if (!ENTRY_BY_KEY.has(query.subject)) return false;
  return query.isQuestion || query.subject === query.text;
}

/** The glossary's terms in alphabetical order, for listing what can be asked about. */
export function listTerms(): string[] {
  return GLOSSARY.map((entry) => entry.term).sort((a, b) => a.localeCompare(b, 'en-GB'));
}
