import { expect, test } from 'vitest';
import { formatNhsNumber, isValidNhsNumber, normaliseNhsNumber } from '../../src/domain/nhs-number';

// Published/worked examples; 9434765870 exercises the "11 becomes 0" rule.
const VALID = [
  '9434765919',
  '4010232137',
  '9990000018',
  '9000000009',
  '9434765870',
  '9876543210',
  '4505577104',
];

test.each(VALID)('accepts valid NHS number %s', (n) => {
  expect(isValidNhsNumber(n)).toBe(true);
});

test.each(VALID)('rejects %s with any other check digit', (n) => {
  const prefix = n.slice(0, 9);
  const others = '0123456789'.split('').filter((d) => d !== n[9]);
  for (const d of others) {
    expect(isValidNhsNumber(prefix + d), prefix + d).toBe(false);
  }
});

test.each(VALID)('detects a transposition of adjacent differing digits in %s', (n) => {
  for (let i = 0; i < 9; i++) {
    if (n[i] === n[i + 1]) continue;
    const swapped = n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2);
    expect(isValidNhsNumber(swapped), swapped).toBe(false);
  }
});

test('rejects every number whose prefix gives check value 10', () => {
  // 1*10 + 2*9 + ... + 9*2 = 210, and 11 - (210 % 11) = 10.
  for (let d = 0; d <= 9; d++) {
    expect(isValidNhsNumber(`123456789${d}`)).toBe(false);
  }
});

test.each([
  ['0000000000', 'zero-filled'],
  ['1111111111', 'repeated digit'],
  ['5555555555', 'repeated digit'],
  ['9999999999', 'repeated digit'],
])('rejects %s (%s) although it passes the arithmetic', (n) => {
  expect(isValidNhsNumber(n)).toBe(false);
});

test.each([
  ['943476591', '9 digits'],
  ['94347659190', '11 digits'],
  ['943476591A', 'letter'],
  ['ABCDEFGHIJ', 'letters'],
  ['', 'empty'],
  ['943.476.5919', 'dots are not accepted separators'],
  ['９４３４７６５９１９', 'full-width digits'],
])('rejects %s (%s)', (n) => {
  expect(isValidNhsNumber(n)).toBe(false);
});

test.each([['943 476 5919'], ['943-476-5919'], [' 9434765919 '], ['943 - 476 - 5919']])(
  'accepts spaced or hyphenated valid input %j',
  (n) => {
    expect(isValidNhsNumber(n)).toBe(true);
  },
);

test.each([
  ['943 476 5919', '9434765919'],
  ['943-476-5919', '9434765919'],
  ['\t401 023\u00a02137 ', '4010232137'],
  ['abc', 'abc'],
])('normaliseNhsNumber(%j) is %j', (input, expected) => {
  expect(normaliseNhsNumber(input)).toBe(expected);
});

test.each([
  ['9434765919', '943 476 5919'],
  ['943-476-5919', '943 476 5919'],
  ['4010232137', '401 023 2137'],
  ['12345', '12345'],
  ['not a number', 'not a number'],
])('formatNhsNumber(%j) is %j', (input, expected) => {
  expect(formatNhsNumber(input)).toBe(expected);
});
