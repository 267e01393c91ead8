import { describe, expect, test } from 'vitest';
import { checklist } from '../../src/domain/checklist';
import { INFORMATION_SHARING, REFERRAL_NEEDS_CONSENT } from '../../src/domain/consent';
import { type Block, type Doc, toPlainText } from '../../src/domain/document';
import { PRACTITIONER_DECIDES } from '../../src/domain/eligibility';
import { applies } from '../../src/domain/fields';
import { referralDoc } from '../../src/domain/referral';
import { infantFacts, phoneLine, summaryDoc } from '../../src/domain/summary';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import { PROFILE, patch, submitted } from '../fixtures/calls';

const blockNamed = (doc: Doc, heading: string | RegExp): Block => {
  const b = doc.blocks.find((x) =>
    typeof heading === 'string' ? x.heading === heading : heading.test(x.heading),
  );
  if (!b) throw new Error(`no block ${heading} in ${doc.blocks.map((x) => x.heading).join(' | ')}`);
  return b;
};
const fact = (b: Block, label: string) => b.facts.find((f) => f.label === label)?.value;
const paragraph = (b: Block, label: string) => b.paragraphs.find((p) => p.label === label)?.text;

const FULL = submitted('full', FULL_CALL);
const FULL_DOC = summaryDoc(FULL, PROFILE);
const DUTY_DOC = summaryDoc(FULL, PROFILE, 'duty');
const ADVICE = submitted('advice', ADVICE_CALL);
const ADVICE_DOC = summaryDoc(ADVICE, PROFILE);
const ANTENATAL = submitted(
  'full',
  patch(FULL_CALL, {
    family: { stage: 'antenatal', expectedDate: '2027-02-14', infantName: undefined, dateOfBirth: undefined },
  }),
);

describe('the record the summary goes on', () => {
  test.each([
    ['a born infant: the infant’s record', FULL, 'infant', 'The infant’s record'],
    ['antenatal: the mother’s record', ANTENATAL, 'mother', 'The mother’s record (antenatal referral)'],
    ['advice only: no record', ADVICE, 'none', 'Advice only: no individual record identified'],
  ] as const)('%s', (_name, call, target, text) => {
    expect(call.recordTarget).toBe(target);
    const doc = summaryDoc(call, PROFILE);
    expect(doc.subtitle).toContain(`record on: ${text}`);
    expect(fact(blockNamed(doc, 'Call'), 'Record on')).toBe(text);
  });

  test('title and subtitle name the service, reference and call date', () => {
    expect(FULL_DOC.title).toBe('Testshire IMH Service: duty call summary');
    expect(FULL_DOC.subtitle).toBe(
      'Reference IMH-TEST23 · call on 20 November 2026 · record on: The infant’s record',
    );
    expect(FULL_DOC.footer).toMatch(/formal written referral in the referrer’s own words must follow/);
  });
});

describe('a full duty call summary', () => {
  test('the referrer’s has the blocks in order: call, family, consent, six key points, risk, phone, what the referral needs, what the practitioner will consider', () => {
    expect(FULL_DOC.blocks.map((b) => b.heading)).toEqual([
      'Call',
      'Infant and family',
      'Consent',
      'Key point 1: Concerns about the relationship',
      'Key point 2: What the infant is telling us',
      'Key point 3: Parent’s emotional availability',
      'Key point 4: Context and history',
      'Key point 5: Other services involved',
      'Key point 6: Universal services',
      'Risk screening: Low to moderate risk',
      'What the IMH service will do',
      'Pick up the phone: information sharing',
      'What the referral still needs',
      'What the IMH practitioner will consider',
    ]);
  });

  test('the duty team’s has the suggested eligibility in place of what the practitioner will consider', () => {
    expect(DUTY_DOC.blocks.map((b) => b.heading)).toEqual([
      'Call',
      'Infant and family',
      'Consent',
      'Key point 1: Concerns about the relationship',
      'Key point 2: What the infant is telling us',
      'Key point 3: Parent’s emotional availability',
      'Key point 4: Context and history',
      'Key point 5: Other services involved',
      'Key point 6: Universal services',
      'Risk screening: Low to moderate risk',
      'What the IMH service will do',
      'Pick up the phone: information sharing',
      'What the referral still needs',
      'Eligibility indication (suggested): Likely eligible',
    ]);
  });

  test('the referrer and the time used', () => {
    const call = blockNamed(FULL_DOC, 'Call');
    expect(fact(call, 'Referrer')).toBe('Hannah Visitor, Health visitor or 0-19 service practitioner');
    expect(fact(call, 'Organisation')).toBe('Testshire 0-19 Service, North team');
    expect(fact(call, 'Telephone')).toBe('0116 555 0101');
    expect(fact(call, 'Email')).toBe('hannah.visitor@nhs.net');
    expect(fact(call, 'Type')).toBe('Duty call (referral to follow)');
    expect(fact(call, 'Time used')).toBe(`${FULL.minutesUsed} minutes`);
  });

  test('one minute is “1 minute”', () => {
    const one = summaryDoc({ ...FULL, minutesUsed: 1 }, PROFILE);
    expect(fact(blockNamed(one, 'Call'), 'Time used')).toBe('1 minute');
  });

  test('a referrer with role “other” is named by the role they typed', () => {
    const call = submitted(
      'full',
      patch(FULL_CALL, { referrer: { role: 'other', roleOther: 'Family nurse' } }),
    );
    expect(fact(blockNamed(summaryDoc(call, PROFILE), 'Call'), 'Referrer')).toBe(
      'Hannah Visitor, Family nurse',
    );
  });

  test('[HAZ-20] every key point’s free text is included verbatim', () => {
    // every free-text question of the key points that can be asked, born and antenatal, answered with
    // awkward text (the follow-ups asked because of the answers)
    const awkward = (label: string) => `${label}: "quoted",\n  indented – 50% <b>`;
    const follow = {
      services: {
        outOfArea: 'yes',
        outOfAreaDetails: awkward('Jo Bloggs, midwife, Nottingham City Hospital'),
        hospital: 'in-hospital',
        hospitalDetails: awkward('Mother, Testtown General, ward 5'),
      },
      pickUpThePhone: {
        'out-of-area.status': 'phoned',
        'out-of-area.notes': 'Jo Bloggs, 0115 555 0100. Shared.',
        'hospital-admission.status': 'phoned',
        'hospital-admission.notes': 'Ward 5 sister. Numbers exchanged.',
      },
    };
    const born = patch(FULL_CALL, {
      ...follow,
      relationship: { details: awkward('Relationship') },
      infant: { observations: awkward('Observations') },
      availability: { details: awkward('Availability') },
      context: { details: awkward('Context') },
      universal: { doneAlready: awkward('Done already') },
      services: { ...follow.services, involvement: awkward('Involvement') },
    });
    const antenatal = patch(born, {
      family: {
        stage: 'antenatal',
        expectedDate: '2027-02-14',
        infantName: undefined,
        dateOfBirth: undefined,
      },
      infant: { observations: undefined, pregnancy: awkward('Pregnancy') },
    });
    const keyPointSections = checklist('full', PROFILE).filter((s) => s.keyPoint);
    expect(keyPointSections).toHaveLength(6);
    const checked: string[] = [];
    for (const raw of [born, antenatal]) {
      const call = submitted('full', raw);
      const doc = summaryDoc(call, PROFILE);
      for (const s of keyPointSections) {
        const b = blockNamed(doc, `Key point ${s.keyPoint}: ${s.title}`);
        for (const f of s.fields.filter((x) => x.kind === 'longtext' && applies(x, call.answers))) {
          expect(raw[s.id]![f.id], `${s.id}.${f.id} is answered`).toBeTruthy();
          expect(paragraph(b, f.label)).toBe(raw[s.id]![f.id]);
          checked.push(`${s.id}.${f.id}`);
        }
      }
    }
    // 8 for a born baby; the antenatal call has the pregnancy in place of the observations
    expect(checked).toHaveLength(16);
    expect(checked).toContain('infant.observations');
    expect(checked).toContain('infant.pregnancy');
  });

  test('[HAZ-20] the free text of a question no longer asked is still shown for a call that answered it', () => {
    const older = {
      ...FULL,
      answers: {
        ...FULL.answers,
        infant: { ...FULL.answers.infant, eao: 'yes', eaoFindings: 'Turned away.' },
      },
    };
    const b = blockNamed(summaryDoc(older, PROFILE), /^Key point 2/);
    expect(paragraph(b, 'What the Early Attachment Observation found')).toBe('Turned away.');
  });

  test('choices are shown by their titles', () => {
    expect(fact(blockNamed(FULL_DOC, /^Key point 1/), 'Concerns seen')).toBe('Misattunement; Anxiety');
    expect(fact(blockNamed(FULL_DOC, /^Key point 3/), 'Readiness to think about the relationship')).toBe(
      'Some readiness or ambivalence',
    );
    expect(
      fact(blockNamed(FULL_DOC, 'Consent'), 'Have the family agreed to be contacted by the IMH service?'),
    ).toBe('Yes, they agree to be contacted');
  });

  test('the infant and family, with the age on the day of the call', () => {
    const b = blockNamed(FULL_DOC, 'Infant and family');
    expect(fact(b, 'Infant')).toBe('Baby Ada Example');
    expect(fact(b, 'Date of birth')).toBe('10 May 2026 (6 months on the day of the call)');
    expect(fact(b, 'NHS number (infant)')).toBe('943 476 5919');
    // as typed, ending with its postcode in its standard form (not repeated)
    expect(FULL_CALL.family!.address).toBe('1 Example Street, Testtown le1 6th');
    expect(fact(b, 'Address')).toBe('1 Example Street, Testtown LE1 6TH');
    expect(fact(b, 'Health visitor')).toBe('Hannah Visitor, Testshire 0-19 Service, North team');
    // the other professionals are asked once, with the services (key point 5)
    expect(paragraph(b, 'Other professionals and agencies involved')).toBeUndefined();
    expect(
      paragraph(
        blockNamed(FULL_DOC, /^Key point 5/),
        'Services and professionals involved (e.g. perinatal mental health, social care), their plans and any identified risks',
      ),
    ).toBe(FULL_CALL.services!.involvement);
  });

  test.each([
    ['2026-10-20', '1 month'],
    ['2026-11-20', '0 months'],
    ['2025-09-01', '14 months'],
  ])('born %s: %s on the day of the call', (dateOfBirth, age) => {
    const call = submitted('full', patch(FULL_CALL, { family: { dateOfBirth } }));
    expect(infantFacts(call).find((f) => f.label === 'Date of birth')?.value).toMatch(
      new RegExp(`\\(${age} on the day of the call\\)$`),
    );
  });

  test('risk: the screening answers, the level and the actions policy requires', () => {
    const b = blockNamed(FULL_DOC, /^Risk screening/);
    expect(fact(b, 'Are there concerns about parental mental health?')).toBe('Yes');
    // who acts (issue 8): the policy's actions are the IMH service's, under their own heading
    expect(b.bullets).toEqual([]);
    const service = blockNamed(FULL_DOC, 'What the IMH service will do');
    expect(service.bullets).toEqual([...FULL.risk.actions]);
    expect(service.bullets[0]).toMatch(/action plan/);
    // no possible harm: nothing for the referrer to do now
    expect(FULL_DOC.blocks.map((x) => x.heading)).not.toContain('What you should do now');
  });

  test('risk: possible harm to the baby shows the Child Protection actions and why the level was raised', () => {
    const call = submitted(
      'full',
      patch(FULL_CALL, {
        risk: {
          harmToBaby: 'yes',
          harmToParent: 'not-known',
          level: 'none-or-low',
          details: 'Bruise seen on 19 Nov.',
        },
        pickUpThePhone: {
          'safeguarding-referral.status': 'phoned',
          'safeguarding-referral.notes': 'Front door duty worker, 0116 555 0999. Referral made.',
        },
      }),
    );
    const doc = summaryDoc(call, PROFILE);
    // harm to a parent "not known" is no longer a reason to raise the level: it is said in the level itself
    const b = blockNamed(
      doc,
      'Risk screening: Possible harm to the baby; possible harm to a parent to be clarified today',
    );
    expect(b.bullets).toEqual([]);
    const service = blockNamed(doc, 'What the IMH service will do').bullets.join('\n');
    expect(service).toContain('Child Protection policy');
    expect(service).toContain('Safeguarding Lead');
    expect(service).toContain('calls the referrer back today');
    const now = blockNamed(doc, 'What you should do now').bullets.join('\n');
    expect(now).toContain('Testshire Children’s Front Door now on 0116 555 0999');
    expect(paragraph(b, 'Details')).toBe('Bruise seen on 19 Nov.');
  });

  test('pick up the phone: one line per prompt, with the contact details recorded', () => {
    const b = blockNamed(FULL_DOC, 'Pick up the phone: information sharing');
    expect(b.bullets).toEqual([
      `Parental mental health: Phoned - ${FULL_CALL.pickUpThePhone!['mental-health.notes']}`,
    ]);
  });

  test('pick up the phone: no prompt is said plainly', () => {
    const quiet = submitted(
      'full',
      patch(FULL_CALL, {
        risk: { mentalHealth: 'no' },
        context: { problems: 'parental-trauma-loss' },
        pickUpThePhone: { 'mental-health.status': undefined },
      }),
    );
    const b = blockNamed(summaryDoc(quiet, PROFILE), 'Pick up the phone');
    expect(b.bullets).toEqual(['No information-sharing prompt applied from the answers given.']);
  });

  test('[HAZ-13] the referrer’s summary has no eligibility verdict nor its reasons', () => {
    const text = toPlainText(FULL_DOC);
    expect(text).not.toMatch(/Likely (not )?eligible|suggested\)|Met: |Not met: |To check: /);
    for (const r of FULL.eligibility!.reasons) expect(text).not.toContain(r.text);
    const consider = blockNamed(FULL_DOC, 'What the IMH practitioner will consider');
    expect(consider.bullets.join('\n')).toMatch(/unborn or under 2/);
    expect(consider.bullets.at(-1)).toBe(
      'The IMH duty practitioner gives the eligibility indication; you will be told in this chat.',
    );
  });

  test('[HAZ-13] consent is what the referral still needs, not an eligibility reason', () => {
    for (const consent of ['no', 'not-asked'] as const) {
      const call = submitted('full', patch(FULL_CALL, { consent: { consent } }));
      expect(call.eligibility!.outcome).toBe('likely-eligible');
      const needs = blockNamed(summaryDoc(call, PROFILE), 'What the referral still needs').bullets;
      expect(needs[0]).toMatch(new RegExp(`^${REFERRAL_NEEDS_CONSENT}: `));
      expect(needs[0]).toMatch(consent === 'no' ? /they have said no/ : /please ask them/);
    }
    expect(blockNamed(FULL_DOC, 'What the referral still needs').bullets).toEqual([
      'Your formal written referral, in your own words, after this call: a draft comes with your summary.',
    ]);
  });

  test('[HAZ-12] consent "no" or "not yet asked": the summary says information can be shared without consent where a child is at risk', () => {
    for (const consent of ['no', 'not-asked']) {
      const doc = summaryDoc(submitted('full', patch(FULL_CALL, { consent: { consent } })), PROFILE);
      const b = blockNamed(doc, INFORMATION_SHARING.heading);
      expect(b.bullets.join('\n')).toMatch(/can be shared without consent where a child is at risk/);
      expect(b.bullets.join('\n')).toMatch(/safety of the baby or a parent/);
    }
    expect(FULL_DOC.blocks.map((b) => b.heading)).not.toContain(INFORMATION_SHARING.heading);
  });

  test('the duty team’s eligibility suggestion lists every reason and says the practitioner gives the indication', () => {
    const b = blockNamed(DUTY_DOC, /^Eligibility indication/);
    expect(FULL.eligibility).not.toBeNull();
    expect(b.bullets).toHaveLength(FULL.eligibility!.reasons.length + 1);
    expect(b.bullets[0]).toBe('Met: Under 2 on the day of the call (6 months old).');
    expect(b.bullets.at(-1)).toBe(PRACTITIONER_DECIDES);
    expect(PRACTITIONER_DECIDES).toContain('the IMH duty practitioner gives the eligibility indication');
  });

  test('[HAZ-17] an eligibility suggestion against the referral shows the duty team what is not met and what to check', () => {
    const call = submitted(
      'full',
      patch(FULL_CALL, {
        consent: { consent: 'no' },
        family: { address: '2 Far Road, Farton NG1 1AA', localAuthority: 'other' },
        services: { socialCare: 'child-in-need', statutoryCollaboration: 'yes' },
        pickUpThePhone: {
          'open-to-social-care.status': 'not-needed',
          'open-to-social-care.notes': 'The social worker made the referral.',
        },
      }),
    );
    const b = blockNamed(
      summaryDoc(call, PROFILE, 'duty'),
      'Eligibility indication (suggested): Likely not eligible',
    );
    expect(b.bullets).toContain('Not met: Out of area: the family live outside Testshire.');
    expect(b.bullets.join('\n')).not.toMatch(/consent/i);
    expect(
      b.bullets.some((x) => x.startsWith('To check: Open to children’s social care: child in need')),
    ).toBe(true);
  });

  test('[HAZ-20] antenatal: the unborn baby, the EDD and the mother’s NHS number', () => {
    const facts = infantFacts(ANTENATAL);
    expect(facts.find((f) => f.label === 'Infant')?.value).toBe('Unborn baby');
    expect(facts.find((f) => f.label === 'Expected date of delivery')?.value).toBe('14 February 2027');
    expect(facts.find((f) => f.label === 'NHS number (mother)')?.value).toBe('943 476 5919');
    expect(facts.some((f) => f.label === 'Date of birth')).toBe(false);
  });
});

describe('an advice-only summary', () => {
  test('is marked advice only and has no eligibility', () => {
    expect(ADVICE.eligibility).toBeNull();
    expect(ADVICE_DOC.title).toBe('Testshire IMH Service: advice call (advice only)');
    expect(ADVICE_DOC.footer).toMatch(/^Advice only: no referral has been drafted/);
    expect(fact(blockNamed(ADVICE_DOC, 'Call'), 'Type')).toBe('Advice only');
    expect(ADVICE_DOC.blocks.map((b) => b.heading)).toEqual([
      'Call',
      'Your question',
      'Risk screening: No or low risk',
      'What the IMH service will do',
      'Pick up the phone',
    ]);
    expect(toPlainText(ADVICE_DOC)).not.toContain('Eligibility');
    expect(toPlainText(ADVICE_DOC)).not.toContain(PRACTITIONER_DECIDES);
  });

  test('includes the question and context verbatim', () => {
    const b = blockNamed(ADVICE_DOC, 'Your question');
    expect(paragraph(b, 'What would you like advice about?')).toBe(ADVICE_CALL.advice!.question);
    expect(
      paragraph(b, 'Relevant context (relationship, what the infant is telling us, services involved)'),
    ).toBe(ADVICE_CALL.advice!.context);
    expect(fact(b, 'The infant is')).toBe('Under 2');
  });
});

describe('phoneLine', () => {
  const prompt = FULL.phone[0]!.prompt;
  test.each([
    [
      { outcome: 'phoned', name: 'A', role: 'B', organisation: 'C', number: '01', notes: 'N' },
      `${prompt.title}: Phoned (A, B, C, 01) - N`,
    ],
    [
      { outcome: 'not-needed', name: '', role: '', organisation: '', number: '', notes: 'Known already.' },
      `${prompt.title}: Not needed - Known already.`,
    ],
    [
      { outcome: 'could-not-reach', name: '', role: '', organisation: 'PMHT', number: '', notes: '' },
      `${prompt.title}: Could not reach (PMHT)`,
    ],
    [
      { outcome: 'not-recorded', name: '', role: '', organisation: '', number: '', notes: '' },
      `${prompt.title}: Not recorded`,
    ],
  ] as const)('%j', (record, line) => {
    expect(phoneLine({ prompt, ...record })).toBe(line);
  });
});

describe('toPlainText', () => {
  const docs: [string, Doc][] = [
    ['summary', FULL_DOC],
    ['advice summary', ADVICE_DOC],
    ['referral', referralDoc(FULL, PROFILE)!],
  ];

  test.each(docs)('the %s has its title, subtitle, every block heading and its footer', (_name, doc) => {
    const lines = toPlainText(doc).split('\n');
    expect(lines[0]).toBe(doc.title);
    expect(lines[1]).toBe(doc.subtitle);
    expect(lines.at(-1)).toBe(doc.footer);
    for (const b of doc.blocks) expect(lines).toContain(b.heading.toUpperCase());
  });

  test.each(docs)('the %s has every fact, paragraph and bullet', (_name, doc) => {
    const text = toPlainText(doc);
    for (const b of doc.blocks) {
      for (const f of b.facts) expect(text).toContain(`${f.label}: ${f.value}`);
      for (const p of b.paragraphs) expect(text).toContain(`${p.label}:\n${p.text}`);
      for (const x of b.bullets) expect(text).toContain(`- ${x}`);
    }
  });

  test.each(docs)('the %s has no markdown', (_name, doc) => {
    const text = toPlainText(doc);
    expect(text).not.toMatch(/\*\*|__|`|^#|^>|\|/m);
    expect(text).not.toMatch(/\[[^\]]*\]\([^)]*\)/);
  });

  test('a small document, exactly', () => {
    const doc: Doc = {
      title: 'T',
      subtitle: 'S',
      blocks: [
        {
          heading: 'First block',
          facts: [{ label: 'A', value: '1' }],
          paragraphs: [{ label: 'P', text: 'two\nlines' }],
          bullets: ['b'],
        },
        { heading: 'Empty', facts: [], paragraphs: [], bullets: [] },
      ],
      footer: 'F',
    };
    expect(toPlainText(doc)).toBe('T\nS\n\nFIRST BLOCK\nA: 1\nP:\ntwo\nlines\n- b\n\nEMPTY\n\nF');
  });
});
