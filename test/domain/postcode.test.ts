import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { checklist, type SectionDef } from '../../src/domain/checklist';
import {
  isValidUkPostcode,
  normalisePostcode,
  postcodeArea,
  postcodeDistrict,
  postcodeIn,
  withStandardPostcode,
} from '../../src/domain/postcode';
import { askedFields, validateSection } from '../../src/domain/section-validation';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE, TODAY } from '../fixtures/calls';

test.each([
  ['le11ab', 'LE1 1AB'],
  ['LE1 1AB', 'LE1 1AB'],
  ['  le1   1ab ', 'LE1 1AB'],
  ['le112ab', 'LE11 2AB'],
  ['sw1a2aa', 'SW1A 2AA'],
  ['m11ae', 'M1 1AE'],
  ['gir0aa', 'GIR 0AA'],
  ['\tle1\t1ab\n', 'LE1 1AB'],
  ['le1', 'LE1'],
  ['LE1 11AB', 'LE1 11AB'],
  ['le 11ab', 'LE 11AB'],
])('normalisePostcode(%j) is %j', (input, expected) => {
  expect(normalisePostcode(input)).toBe(expected);
});

// [postcode, district, area]; one example per outward format plus LE1/LE11.
test.each([
  ['M1 1AE', 'M1', 'M'],
  ['B33 8TH', 'B33', 'B'],
  ['CR2 6XH', 'CR2', 'CR'],
  ['DN55 1PT', 'DN55', 'DN'],
  ['W1A 1AA', 'W1A', 'W'],
  ['EC1A 1BB', 'EC1A', 'EC'],
  ['SW1A 2AA', 'SW1A', 'SW'],
  ['LE1 1AB', 'LE1', 'LE'],
  ['LE11 2AB', 'LE11', 'LE'],
  ['le111ab', 'LE11', 'LE'],
  ['NG7 2UH', 'NG7', 'NG'],
  ['GIR 0AA', 'GIR', 'GIR'],
])('%s is valid, district %s, area %s', (postcode, district, area) => {
  expect(isValidUkPostcode(postcode)).toBe(true);
  expect(postcodeDistrict(postcode)).toBe(district);
  expect(postcodeArea(postcode)).toBe(area);
});

test.each([
  ['', 'empty'],
  ['LE1', 'outward code only'],
  ['LE11', 'outward code only'],
  ['1AB', 'inward code only'],
  ['LE1 1A', 'inward code too short'],
  ['LE1 11AB', 'digit too many in inward code'],
  ['LE111 1AB', 'three digits in outward code'],
  ['LEE 1AB', 'three letters in outward code'],
  ['1LE 1AB', 'starts with a digit'],
  ['LE1 AAB', 'inward code starts with a letter'],
  ['QA1 1AA', 'Q never first'],
  ['VA1 1AA', 'V never first'],
  ['XA1 1AA', 'X never first'],
  ['AI1 1AA', 'I never second'],
  ['AZ1 1AA', 'Z never second'],
  ['W1I 1AA', 'I not allowed as A9A letter'],
  ['EC1C 1BB', 'C not allowed as AA9A letter'],
  ['LE1 1CA', 'C not allowed in inward code'],
  ['LE1 1AK', 'K not allowed in inward code'],
  ['LE1-1AB', 'hyphen'],
  ['LE 11AB', 'space inside the outward code'],
  ['L E 1 1 A B', 'spaced out'],
  ['GIR 0AB', 'only GIR 0AA is special'],
  ['hello', 'not a postcode'],
])('%j is not a valid postcode (%s)', (postcode) => {
  expect(isValidUkPostcode(postcode)).toBe(false);
  expect(postcodeDistrict(postcode)).toBeUndefined();
  expect(postcodeArea(postcode)).toBeUndefined();
});

test('LE1 and LE11 postcodes fall in different districts', () => {
  expect(postcodeDistrict('LE1 1AB')).not.toBe(postcodeDistrict('LE11 1AB'));
  expect(postcodeDistrict('LE111AB')).toBe('LE11');
  expect(postcodeDistrict('LE11AB')).toBe('LE1');
});

describe('postcodeIn: the postcode an address ends with (issue 9: the address is typed once)', () => {
  test.each([
    ['1 Example Street, Testtown LE1 6TH', 'LE1 6TH'],
    ['1 Example Street, Testtown, LE1 6TH', 'LE1 6TH'],
    ['1 Example Street, Testtown,LE1 6TH', 'LE1 6TH'],
    ['1 Example Street, Testtown le1 6th', 'LE1 6TH'],
    ['1 Example Street, Testtown LE16TH', 'LE1 6TH'],
    ['1 Example Street, Testtown le16th', 'LE1 6TH'],
    ['1 Example Street\nTesttown\nLE11 2AB', 'LE11 2AB'],
    ['1 Example Street, Testtown LE1 6TH.', 'LE1 6TH'],
    ['  Flat 2, 10 High St, London sw1a 2aa  ', 'SW1A 2AA'],
    ['LE1 6TH', 'LE1 6TH'],
  ])('%j ends with %j', (address, postcode) => {
    expect(postcodeIn(address)).toBe(postcode);
  });

  test.each([
    ['1 Example Street, LE1 6TH, Testtown', 'inside the address, not at its end'],
    ['LE1 6TH 1 Example Street', 'at the start'],
    ['1 Example Street, Testtown', 'no postcode'],
    ['1 Example Street, Testtown LE1', 'only the outward code'],
    ['1 Example Street, Testtown LE1 11AB', 'not a valid postcode'],
    ['', 'empty'],
  ])('%j has none (%s)', (address) => {
    expect(postcodeIn(address)).toBeUndefined();
  });

  test('withStandardPostcode writes the postcode the address ends with in its standard form', () => {
    expect(withStandardPostcode('1 Example Street, Testtown le1 6th')).toBe(
      '1 Example Street, Testtown LE1 6TH',
    );
    expect(withStandardPostcode('1 Example Street, Testtown le16th')).toBe(
      '1 Example Street, Testtown LE1 6TH',
    );
    expect(withStandardPostcode('1 Example Street, Testtown')).toBe('1 Example Street, Testtown');
  });
});

describe('the family card reads the postcode from the address', () => {
  const family: SectionDef = checklist('full', PROFILE).find((s) => s.id === 'family')!;
  const raw = (changes: Record<string, string>) => ({ ...FULL_CALL.family!, ...changes });
  const validate = (changes: Record<string, string>) =>
    validateSection(family, raw(changes), { today: TODAY, prompts: [], answers: {} });
  const asked = (changes: Record<string, string>) =>
    askedFields(family, undefined, { family: raw(changes) } as Answers, []).map((f) => f.id);

  test('an address ending with a postcode: the postcode is not asked, and is recorded from the address', () => {
    expect(asked({})).not.toContain('postcode');
    const r = validate({});
    expect(r.ok && r.answers.postcode).toBe('LE1 6TH');
  });

  test('an address without one: the postcode is asked, and required', () => {
    const changes = { address: '1 Example Street, Testtown' };
    expect(asked(changes)).toContain('postcode');
    const r = validate(changes);
    expect(!r.ok && r.errors.postcode).toBe('Postcode: this is required.');
    const ok = validate({ ...changes, postcode: 'le2 7aa' });
    expect(ok.ok && ok.answers.postcode).toBe('LE2 7AA');
  });

  test('no address yet: only the address is asked for, not the postcode as well', () => {
    expect(asked({ address: '' })).not.toContain('postcode');
    const r = validate({ address: '' });
    expect(!r.ok && Object.keys(r.errors)).toEqual(['address']);
  });

  test.each([
    ['1 Example Street, Testtown LE1 6TH', false],
    ['1 Example Street, Testtown LE2 7AA', false],
    ['1 Example Street, Testtown LE11 2AB', true],
    ['2 Far Road, Farton NG1 1AA', true],
  ])('%s: the local authority asked: %s (the service’s districts are LE1 and LE2)', (address, asks) => {
    expect(asked({ address }).includes('localAuthority')).toBe(asks);
    const r = validate({ address });
    if (asks)
      expect(!r.ok && r.errors.localAuthority).toBe('Local authority the family live in: this is required.');
    else expect(r.ok).toBe(true);
  });

  test('the local authority is asked when the postcode typed for an address without one is outside the districts', () => {
    const changes = { address: '2 Far Road, Farton' };
    expect(asked(changes)).not.toContain('localAuthority');
    expect(asked({ ...changes, postcode: 'NG1 1AA' })).toContain('localAuthority');
    expect(asked({ ...changes, postcode: 'LE1 6TH' })).not.toContain('localAuthority');
  });

  test('a local authority given before the address moved into the districts is dropped', () => {
    const r = validate({ localAuthority: 'Testville City Council' });
    expect(r.ok && r.answers).not.toHaveProperty('localAuthority');
  });
});
