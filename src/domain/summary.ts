import { describeInfantAge, describeInfantDate, formatUkDate, parseIsoDate } from './age';
import { type Answers, referrerRole, text } from './answers';
import { checklist, type SectionDef, type SectionId, type ServiceProfile } from './checklist';
import { INFORMATION_SHARING, needsSharingStatement, referralStillNeeds } from './consent';
import { CONTRADICTIONS_HEADING, contradictions } from './contradictions';
import { type Block, block, type Doc, type Fact } from './document';
import { PRACTITIONER_DECIDES, practitionerWillConsider } from './eligibility';
import { choiceTitle, type FieldDef } from './fields';
import { formatNhsNumber } from './nhs-number';
import { PHONE_OUTCOMES, type PhoneRecord } from './pick-up-the-phone';
import { postcodeIn, withStandardPostcode } from './postcode';
import { WHO_ACTS } from './risk';
import type { SubmittedCall } from './submitted-call';

const RECORD_ON = {
  infant: 'The infant’s record',
  mother: 'The mother’s record (antenatal referral)',
  none: 'Advice only: no individual record identified',
} as const;

/**
 * Who reads the summary. The suggested eligibility, with its reasons, is for the duty practitioner only:
 * seed 000 has the practitioner give the indication at the end of the call, and a verdict shown to the
 * referrer before anyone has seen the call can deter a referral (HAZ-13). The referrer sees what the
 * practitioner will consider instead. The referrer's is the default, so a caller that forgets cannot leak it.
 */
export type SummaryAudience = 'referrer' | 'duty';

/** The structured summary of the call, ready to copy onto the clinical record. */
export function summaryDoc(
  call: SubmittedCall,
  profile: ServiceProfile,
  audience: SummaryAudience = 'referrer',
): Doc {
  const sections = checklist(call.kind, profile);
  const advice = call.kind === 'advice';
  // answers that contradict each other come first: each is a question to ask before anything else
  const blocks: Block[] = [header(call), ...contradictionsBlock(call, audience)];
  if (advice) blocks.push(sectionBlock(call, sections, 'advice'));
  else {
    blocks.push(familyBlock(call), sectionBlock(call, sections, 'consent'));
    for (const s of sections.filter((s) => s.keyPoint)) blocks.push(sectionBlock(call, sections, s.id));
  }
  blocks.push(riskBlock(call, sections), ...whoActsBlocks(call, audience), phoneBlock(call.phone));
  if (!advice && needsSharingStatement(call.answers)) {
    blocks.push(block(INFORMATION_SHARING.heading, { bullets: [...INFORMATION_SHARING.lines] }));
  }
  if (!advice)
    blocks.push(block('What the referral still needs', { bullets: referralStillNeeds(call.answers) }));
  if (!advice && audience === 'referrer') {
    blocks.push(
      block('What the IMH practitioner will consider', {
        bullets: [
          ...practitionerWillConsider(profile),
          'The IMH duty practitioner gives the eligibility indication; you will be told in this chat.',
        ],
      }),
    );
  }
  if (call.eligibility && audience === 'duty') {
    blocks.push(
      block(`Eligibility indication (suggested): ${call.eligibility.headline}`, {
        bullets: [
          ...call.eligibility.reasons.map((r) => `${STATUS[r.status]}: ${r.text}`),
          PRACTITIONER_DECIDES,
        ],
      }),
    );
  }
  return {
    title: advice
      ? `${profile.serviceName}: advice call (advice only)`
      : `${profile.serviceName}: duty call summary`,
    subtitle: `Reference ${call.reference} · call on ${formatUkDate(call.callDate)} · record on: ${RECORD_ON[call.recordTarget]}`,
    blocks,
    footer: advice
      ? 'Advice only: no referral has been drafted. The duty practitioner records the advice given.'
      : 'The IMH duty practitioner records this summary on the record named above. A formal written referral in the referrer’s own words must follow.',
  };
}

const STATUS = { met: 'Met', 'not-met': 'Not met', check: 'To check' } as const;

function header(call: SubmittedCall): Block {
  const a = call.answers;
  const role = referrerRole(a);
  return block('Call', {
    facts: [
      { label: 'Record on', value: RECORD_ON[call.recordTarget] },
      { label: 'Type', value: call.kind === 'advice' ? 'Advice only' : 'Duty call (referral to follow)' },
      { label: 'Referrer', value: `${text(a, 'referrer', 'name')}, ${role}` },
      { label: 'Organisation', value: text(a, 'referrer', 'organisation') },
      { label: 'Telephone', value: text(a, 'referrer', 'phone') },
      { label: 'Email', value: text(a, 'referrer', 'email') },
      { label: 'Time used', value: `${call.minutesUsed} minute${call.minutesUsed === 1 ? '' : 's'}` },
    ],
  });
}

export function infantFacts(call: SubmittedCall): Fact[] {
  const a = call.answers;
  const born = text(a, 'family', 'stage') === 'born';
  const date = text(a, 'family', born ? 'dateOfBirth' : 'expectedDate');
  const nhs = text(a, 'family', 'nhsNumber');
  const age = date ? describeInfantAge({ born, date }, call.callDate) : undefined;
  const months = (n: number) => `${n} month${n === 1 ? '' : 's'}`;
  const ageText =
    age?.kind === 'under-two'
      ? ` (${months(age.months)} on the day of the call)`
      : age?.kind === 'two-or-over'
        ? ` (${age.years} years ${months(age.months)} on the day of the call)`
        : '';
  return [
    { label: 'Infant', value: born ? text(a, 'family', 'infantName') : 'Unborn baby' },
    born
      ? { label: 'Date of birth', value: date ? `${formatUkDate(date)}${ageText}` : '' }
      : { label: 'Expected date of delivery', value: date ? formatUkDate(date) : '' },
    { label: born ? 'NHS number (infant)' : 'NHS number (mother)', value: nhs ? formatNhsNumber(nhs) : '' },
    { label: 'Mother or primary caregiver', value: text(a, 'family', 'caregiverName') },
    { label: 'Family’s contact number', value: text(a, 'family', 'caregiverPhone') },
    { label: 'Father or partner', value: text(a, 'family', 'partnerName') },
    {
      label: 'Address',
      value: addressLine(text(a, 'family', 'address'), text(a, 'family', 'postcode')),
    },
    { label: 'Local authority', value: localAuthority(text(a, 'family', 'localAuthority')) },
    { label: 'GP', value: text(a, 'family', 'gp') },
    { label: 'Health visitor', value: text(a, 'family', 'healthVisitor') },
  ];
}

/**
 * The line that reads the infant's date back on the card after it was entered, so a date the client
 * misread is seen at once ("Date of birth 3 May 2026: 6 months old today. ..."); '' when there is none.
 */
export function infantDateEcho(answers: Answers, onDate: string, where: 'below' | 'back' = 'back'): string {
  const born = stageOf(answers) === 'born';
  const date = text(answers, 'family', born ? 'dateOfBirth' : 'expectedDate');
  if (!date || !parseIsoDate(date) || (!born && stageOf(answers) !== 'antenatal')) return '';
  const words = describeInfantDate({ born, date }, onDate);
  const fix = where === 'below' ? 'change it below' : 'go Back and change it';
  return `${born ? 'Date of birth' : 'Baby'} ${words}. If that is not right, ${fix}.`;
}

const stageOf = (answers: Answers) => text(answers, 'family', 'stage');

/** The address as typed, with the postcode after it unless it already ends with it (asked once). */
function addressLine(address: string, postcode: string): string {
  if (postcode && postcodeIn(address) === postcode) return withStandardPostcode(address);
  return [address, postcode].filter(Boolean).join(', ');
}

function localAuthority(v: string): string {
  if (v === 'other') return 'Another local authority';
  if (v === 'not-known') return 'Not known';
  return v;
}

function familyBlock(call: SubmittedCall): Block {
  const other = text(call.answers, 'family', 'otherProfessionals');
  return block('Infant and family', {
    facts: infantFacts(call),
    paragraphs: [{ label: 'Other professionals and agencies involved', text: other }],
  });
}

/** A section's answers as facts (choices) and paragraphs (free text), in the checklist's order. */
function sectionBlock(call: SubmittedCall, sections: readonly SectionDef[], id: SectionId): Block {
  const section = sections.find((s) => s.id === id);
  if (!section) return block(id, {});
  const facts: Fact[] = [];
  const paragraphs: { label: string; text: string }[] = [];
  for (const f of section.fields) {
    const v = call.answers[id]?.[f.id];
    if (f.kind === 'longtext') paragraphs.push({ label: f.label, text: typeof v === 'string' ? v : '' });
    else facts.push({ label: f.label, value: display(f, v) });
  }
  const heading = section.keyPoint ? `Key point ${section.keyPoint}: ${section.title}` : section.title;
  return block(heading, { facts, paragraphs });
}

function display(f: FieldDef, v: string | readonly string[] | undefined): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => choiceTitle(f, x)).join('; ');
  const s = v as string;
  if (f.kind === 'choice') return choiceTitle(f, s);
  if (f.kind === 'date' && s) return formatUkDate(s);
  return s;
}

function riskBlock(call: SubmittedCall, sections: readonly SectionDef[]): Block {
  const riskSection = sections.find((s) => s.id === 'risk');
  const answered = (riskSection?.fields ?? [])
    .filter((f) => f.kind === 'choice' && f.id !== 'level')
    .map((f) => ({ label: f.label, value: display(f, call.answers.risk?.[f.id]) }));
  const bullets = call.risk.raisedBecause.length
    ? [`Suggested level raised because: ${call.risk.raisedBecause.join('; ')}.`]
    : [];
  return block(`Risk screening: ${call.risk.levelText}`, {
    facts: answered,
    paragraphs: [{ label: 'Details', text: text(call.answers, 'risk', 'details') }],
    bullets,
  });
}

/**
 * Who acts (issue 8, HAZ-03): what the referrer should do now, apart from what the IMH service will do.
 * The referrer's part is as they were told it when the call was submitted (absent on older records).
 */
function whoActsBlocks(call: SubmittedCall, audience: SummaryAudience): Block[] {
  const now = call.risk.referrerActions ?? [];
  return [
    ...(now.length
      ? [
          block(audience === 'duty' ? WHO_ACTS.referrerForDuty : WHO_ACTS.referrer, {
            bullets: [...now],
          }),
        ]
      : []),
    block(WHO_ACTS.service, { bullets: [...call.risk.actions] }),
  ];
}

/** Answers that do not fit together (HAZ-05), worded for who reads the summary; none, no block. */
function contradictionsBlock(call: SubmittedCall, audience: SummaryAudience): Block[] {
  const found = contradictions(call.answers);
  if (found.length === 0) return [];
  return [
    block(audience === 'duty' ? CONTRADICTIONS_HEADING.duty : CONTRADICTIONS_HEADING.referrer, {
      bullets: [
        ...found.map((c) => c.text),
        ...(audience === 'referrer' ? [CONTRADICTIONS_HEADING.summaryNote] : []),
      ],
    }),
  ];
}

function phoneBlock(records: readonly PhoneRecord[]): Block {
  if (records.length === 0) {
    return block('Pick up the phone', {
      bullets: ['No information-sharing prompt applied from the answers given.'],
    });
  }
  return block('Pick up the phone: information sharing', {
    bullets: records.map(phoneLine),
  });
}

export function phoneLine(r: PhoneRecord): string {
  const outcome = PHONE_OUTCOMES.find((o) => o.value === r.outcome)?.title ?? 'Not recorded';
  const who = [r.name, r.role, r.organisation, r.number].filter(Boolean).join(', ');
  return [`${r.prompt.title}: ${outcome}`, who && `(${who})`, r.notes && `- ${r.notes}`]
    .filter(Boolean)
    .join(' ');
}

/**
 * Keeps the answers' section listing in one place for the review card. The infant's date is read back in
 * words with what it implies on `call.callDate` (a misread date is seen at once), the NHS number 3-3-4.
 */
export function answersPreview(
  call: Pick<SubmittedCall, 'answers' | 'kind'> & { readonly callDate?: string },
  section: SectionDef,
): Fact[] {
  return section.fields
    .map((f) => {
      const v = call.answers[section.id]?.[f.id];
      if (section.id === 'family' && typeof v === 'string' && v) {
        if (f.id === 'nhsNumber') return { label: f.label, value: formatNhsNumber(v) };
        if ((f.id === 'dateOfBirth' || f.id === 'expectedDate') && call.callDate) {
          return {
            label: f.label,
            value: describeInfantDate({ born: f.id === 'dateOfBirth', date: v }, call.callDate),
          };
        }
      }
      return { label: f.label, value: display(f, v) };
    })
    .filter((f) => f.value !== '');
}
