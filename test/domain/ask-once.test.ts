import { expect, test } from 'vitest';
import { suggestedAnswer } from '../../src/domain/answers';
import { withStandardPostcode } from '../../src/domain/postcode';
import { FULL_CALL } from '../fixtures/answers';
import { patch, validated } from '../fixtures/calls';

test('a perinatal mental health referrer’s own team is offered as a service involved; a health visitor’s is not', () => {
  const pmh = validated(
    'full',
    patch(FULL_CALL, { referrer: { role: 'perinatal-mental-health', organisation: 'Perinatal Team East' } }),
  );
  expect(suggestedAnswer(pmh, 'services', 'involvement')).toBe(
    'Perinatal mental health practitioner: Perinatal Team East (the referrer).',
  );
  expect(suggestedAnswer(pmh, 'universal', 'doneAlready')).toBeUndefined();
  expect(suggestedAnswer(validated('full', FULL_CALL), 'services', 'involvement')).toBeUndefined();
});

test('the summary shows the postcode at the end of the address in its standard form, the rest as typed', () => {
  expect(withStandardPostcode('1 Example Street, Testtown le1 6th')).toBe(
    '1 Example Street, Testtown LE1 6TH',
  );
  expect(withStandardPostcode('2 Road, Leicester, LE16TH.')).toBe('2 Road, Leicester, LE1 6TH.');
  expect(withStandardPostcode('Flat 2, sw1a1aa')).toBe('Flat 2, SW1A 1AA');
  expect(withStandardPostcode('no postcode here, le1')).toBe('no postcode here, le1');
});
