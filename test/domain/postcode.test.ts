import { expect, test } from 'vitest';
import {
  isValidUkPostcode,
  normalisePostcode,
  postcodeArea,
  postcodeDistrict,
} from '../../src/domain/postcode';

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
