import { describe, expect, test } from 'vitest';
import { type Block, type Doc, toPlainText } from '../../src/domain/document';
import { referralDoc } from '../../src/domain/referral';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import { PROFILE, patch, submitted } from '../fixtures/calls';

const blockNamed = (doc: Doc, heading: string): Block => {
  const b = doc.blocks.find((x) => x.heading === heading);
  if (!b) throw new Error(`no block ${heading}`);
  return b;
};
const fact = (b: Block, label: string) => b.facts.find((f) => f.label === label)?.value;
const paragraph = (b: Block, label: string) => b.paragraphs.find((p) => p.label === label)?.text;

const DOC = referralDoc(submitted('full', FULL_CALL), PROFILE)!;

test('there is no referral for an advice-only call', () => {
  expect(referralDoc(submitted('advice', ADVICE_CALL), PROFILE)).toBeNull();
});

test('a full call drafts the referral: referrer, family, reason in their words, consent', () => {
  expect(DOC.title).toBe('Draft referral to Testshire IMH Service');
  expect(DOC.subtitle).toBe('Following the duty call on 20 November 2026, reference IMH-TEST23');
  expect(DOC.blocks.map((b) => b.heading)).toEqual([
    'Referrer',
    'Infant, family and professionals',
    'Reason for referral (in the referrer’s own words)',
    'Consent',
  ]);
  expect(DOC.footer).toMatch(/formal written referral/);
});

describe('the referrer’s own words', () => {
  test('[HAZ-20] the reason and hopes are verbatim', () => {
    const b = blockNamed(DOC, 'Reason for referral (in the referrer’s own words)');
    expect(paragraph(b, 'Reason for referral')).toBe(FULL_CALL.referral!.reason);
    // the hopes are now asked in the same box as the reason (issue 9); a call recorded before, with hopes
    // given separately, still has them verbatim
    expect(paragraph(b, 'What the referrer and family hope for')).toBeUndefined();
    const hopes = 'That Maria can "enjoy" Ada – and\nfeel less judged.';
    const older = submitted('full', FULL_CALL);
    const doc = referralDoc(
      { ...older, answers: { ...older.answers, referral: { ...older.answers.referral, hopes } } },
      PROFILE,
    )!;
    const b2 = blockNamed(doc, 'Reason for referral (in the referrer’s own words)');
    expect(paragraph(b2, 'Reason for referral')).toBe(FULL_CALL.referral!.reason);
    expect(paragraph(b2, 'What the referrer and family hope for')).toBe(hopes);
  });

  test('[HAZ-20] long, multi-line text with quotes and symbols survives unchanged', () => {
    const reason = [
      'Maria said: "I can’t do this" – twice.',
      '',
      '  Indented line; 50% of feeds <10 min & baby cries *a lot*.',
      'x'.repeat(2500),
    ].join('\n');
    const doc = referralDoc(submitted('full', patch(FULL_CALL, { referral: { reason } })), PROFILE)!;
    const b = blockNamed(doc, 'Reason for referral (in the referrer’s own words)');
    expect(paragraph(b, 'Reason for referral')).toBe(reason);
    // an empty optional answer is left out rather than shown blank
    expect(paragraph(b, 'What the referrer and family hope for')).toBeUndefined();
    expect(toPlainText(doc)).toContain(`Reason for referral:\n${reason}\n`);
  });
});

describe('the referrer', () => {
  test('their details, with the role by its title', () => {
    const b = blockNamed(DOC, 'Referrer');
    expect(b.facts).toEqual([
      { label: 'Name', value: 'Hannah Visitor' },
      { label: 'Role', value: 'Health visitor or 0-19 service practitioner' },
      { label: 'Organisation', value: 'Testshire 0-19 Service, North team' },
      { label: 'Telephone', value: '0116 555 0101' },
      { label: 'Email', value: 'hannah.visitor@nhs.net' },
    ]);
  });

  test('a role of “other” is shown as typed', () => {
    const doc = referralDoc(
      submitted('full', patch(FULL_CALL, { referrer: { role: 'other', roleOther: 'Family nurse' } })),
      PROFILE,
    )!;
    expect(fact(blockNamed(doc, 'Referrer'), 'Role')).toBe('Family nurse');
  });
});

describe('demographics (seed 001: mother and child, father if appropriate, GP, HV, other professionals)', () => {
  test('a born infant', () => {
    const b = blockNamed(DOC, 'Infant, family and professionals');
    expect(b.facts).toEqual([
      { label: 'Infant', value: 'Baby Ada Example' },
      { label: 'Date of birth', value: '10 May 2026 (6 months on the day of the call)' },
      { label: 'NHS number (infant)', value: '943 476 5919' },
      { label: 'Mother or primary caregiver', value: 'Maria Example' },
      { label: 'Family’s contact number', value: '07700 900123' },
      { label: 'Father or partner', value: 'Tom Example' },
      // the address as typed, ending with its postcode (asked once) in its standard form; the postcode district (LE1) is one
      // of the service's, so the local authority is not asked
      { label: 'Address', value: '1 Example Street, Testtown LE1 6TH' },
      { label: 'GP', value: 'Dr Patel, Market Street Surgery' },
      // the referrer is the health visitor: not asked again
      { label: 'Health visitor', value: 'Hannah Visitor, Testshire 0-19 Service, North team' },
    ]);
  });

  test('an address without a postcode is shown with the postcode asked for it', () => {
    const doc = referralDoc(
      submitted(
        'full',
        patch(FULL_CALL, { family: { address: '1 Example Street, Testtown', postcode: 'le1 6th' } }),
      ),
      PROFILE,
    )!;
    expect(fact(blockNamed(doc, 'Infant, family and professionals'), 'Address')).toBe(
      '1 Example Street, Testtown, LE1 6TH',
    );
  });

  test('a GP referrer is the GP, not asked again', () => {
    const doc = referralDoc(
      submitted(
        'full',
        patch(FULL_CALL, {
          referrer: { name: 'Dr Asha Rao', role: 'gp', organisation: 'Market Street Surgery' },
          family: { gp: undefined, healthVisitor: 'Jo Bloggs, South team' },
        }),
      ),
      PROFILE,
    )!;
    const b = blockNamed(doc, 'Infant, family and professionals');
    expect(fact(b, 'GP')).toBe('Dr Asha Rao, Market Street Surgery');
    expect(fact(b, 'Health visitor')).toBe('Jo Bloggs, South team');
  });

  // Seed 001 (docs/clinical-safety/traceability.md): the referral carries the other professionals. Issue 9
  // asks them once, with the services (key point 5); the draft referral must still carry what was said.
  test('the other professionals involved, now asked once with the services, are in the draft referral', () => {
    const text = toPlainText(DOC);
    expect(text).toContain(FULL_CALL.services!.involvement);
  });

  test('a call recorded before issue 9 keeps its other professionals in the referral', () => {
    const older = submitted('full', FULL_CALL);
    const otherProfessionals = 'Perinatal mental health team (care coordinator)';
    const doc = referralDoc(
      { ...older, answers: { ...older.answers, family: { ...older.answers.family, otherProfessionals } } },
      PROFILE,
    )!;
    expect(
      paragraph(
        blockNamed(doc, 'Infant, family and professionals'),
        'Other professionals and agencies involved',
      ),
    ).toBe(otherProfessionals);
  });

  test('an antenatal referral: unborn baby, EDD, the mother’s NHS number', () => {
    const doc = referralDoc(
      submitted(
        'full',
        patch(FULL_CALL, {
          family: {
            stage: 'antenatal',
            expectedDate: '2027-02-14',
            infantName: undefined,
            dateOfBirth: undefined,
          },
        }),
      ),
      PROFILE,
    )!;
    const b = blockNamed(doc, 'Infant, family and professionals');
    expect(fact(b, 'Infant')).toBe('Unborn baby');
    expect(fact(b, 'Expected date of delivery')).toBe('14 February 2027');
    expect(fact(b, 'NHS number (mother)')).toBe('943 476 5919');
    expect(fact(b, 'Date of birth')).toBeUndefined();
  });

  test('optional details not given are left out; the local authority is spelled out', () => {
    const doc = referralDoc(
      submitted(
        'full',
        patch(FULL_CALL, {
          // a midwife referrer: the health visitor is asked, and left blank
          referrer: { role: 'midwife' },
          family: {
            partnerName: '',
            nhsNumber: '',
            healthVisitor: '',
            caregiverPhone: '',
            // outside the service's districts, so the local authority is asked
            address: '2 Far Road, Farton NG1 1AA',
            localAuthority: 'not-known',
          },
          // no other services named either
          services: { involvement: '' },
        }),
      ),
      PROFILE,
    )!;
    const b = blockNamed(doc, 'Infant, family and professionals');
    const labels = b.facts.map((f) => f.label);
    for (const gone of [
      'Father or partner',
      'NHS number (infant)',
      'Health visitor',
      'Family’s contact number',
    ]) {
      expect(labels).not.toContain(gone);
    }
    expect(b.paragraphs).toEqual([]);
    expect(fact(b, 'Local authority')).toBe('Not known');
  });

  test('another local authority is named as such', () => {
    const doc = referralDoc(
      submitted(
        'full',
        patch(FULL_CALL, { family: { localAuthority: 'other', address: '2 Far Road, Farton NG1 1AA' } }),
      ),
      PROFILE,
    )!;
    expect(fact(blockNamed(doc, 'Infant, family and professionals'), 'Local authority')).toBe(
      'Another local authority',
    );
  });
});

describe('consent to be contacted', () => {
  test.each([
    ['yes', 'Yes: the family agree to be contacted by the IMH service.'],
    ['no', 'No: the family do not agree to be contacted.'],
    ['not-asked', 'Not yet asked: consent to be contacted must be obtained and included.'],
  ])('%s', (consent, text) => {
    const notes = `Recorded for ${consent}.`;
    const doc = referralDoc(submitted('full', patch(FULL_CALL, { consent: { consent, notes } })), PROFILE)!;
    const b = blockNamed(doc, 'Consent');
    expect(fact(b, 'Family consent to be contacted')).toBe(text);
    // the notes are asked only when the family have not agreed ("why not, or when they will be asked")
    expect(b.paragraphs.map((p) => p.text)).toEqual(consent === 'yes' ? [] : [notes]);
  });
});
