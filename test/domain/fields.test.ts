import { describe, expect, test } from 'vitest';
import { choiceTitle, cleanText, type FieldDef, LIMITS, parseField } from '../../src/domain/fields';

const field = (def: Partial<FieldDef> & Pick<FieldDef, 'kind'>): FieldDef => ({
  id: 'f',
  label: 'The field',
  required: true,
  ...def,
});

function ok(def: FieldDef, raw: unknown): unknown {
  const r = parseField(def, raw);
  if (!r.success) throw new Error(`expected ${JSON.stringify(raw)} to pass: ${r.error.issues[0]?.message}`);
  return r.data;
}

function error(def: FieldDef, raw: unknown): string | undefined {
  const r = parseField(def, raw);
  if (r.success) throw new Error(`expected ${JSON.stringify(raw)} to fail, got ${JSON.stringify(r.data)}`);
  return r.error.issues[0]?.message;
}

const CHOICES = [
  { value: 'a', title: 'Apple' },
  { value: 'b', title: 'Banana' },
  { value: 'c', title: 'Cherry' },
];

describe('cleanText', () => {
  test.each([
    ['  padded  ', 'padded'],
    ['line one\r\nline two\rline three', 'line one\nline two\nline three'],
    ['tab\tand\nnewline kept', 'tab\tand\nnewline kept'],
    ['nul\u0000 and bell\u0007 gone', 'nul and bell gone'],
    ['vertical\u000Btab and form\u000Cfeed', 'verticaltab and formfeed'],
    ['escape\u001B[31m', 'escape[31m'],
    ['delete\u007F', 'delete'],
    ['zero\u200Bwidth\u200Djoiner', 'zerowidthjoiner'],
    ['bidi \u202Eoverride\u202C and \u2066isolate\u2069', 'bidi override and isolate'],
    ['\u0000  leading control then spaces', 'leading control then spaces'],
    ['Mum said “she hates me” – verbatim £5 é', 'Mum said “she hates me” – verbatim £5 é'],
  ])('%j -> %j', (input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });
});

test('the limits', () => {
  expect(LIMITS).toEqual({ short: 100, medium: 200, long: 1000, ownWords: 3000 });
});

describe('text and longtext', () => {
  test('cleaned before use', () => {
    expect(ok(field({ kind: 'text' }), '  Ada\u0000 Lovelace\u200B ')).toBe('Ada Lovelace');
    expect(ok(field({ kind: 'longtext' }), 'one\r\ntwo')).toBe('one\ntwo');
  });

  test.each<[string, FieldDef, number]>([
    ['text defaults to the short limit', field({ kind: 'text' }), LIMITS.short],
    ['longtext defaults to the long limit', field({ kind: 'longtext' }), LIMITS.long],
    ['an explicit maxLength wins', field({ kind: 'longtext', maxLength: 500 }), 500],
  ])('%s', (_name, def, max) => {
    expect(ok(def, 'x'.repeat(max))).toBe('x'.repeat(max));
    expect(error(def, 'x'.repeat(max + 1))).toBe(`The field: keep this to ${max} characters or fewer.`);
  });

  test('the length is counted after cleaning', () => {
    const def = field({ kind: 'text', maxLength: 5 });
    expect(ok(def, '   abcde   ')).toBe('abcde');
    expect(ok(def, 'ab\u200Bcde')).toBe('abcde');
  });

  test.each([[''], ['   '], ['\u200B\u0000'], [undefined], [null]])('required: %j is missing', (raw) => {
    expect(error(field({ kind: 'text' }), raw)).toBe('The field: this is required.');
  });

  test.each([[''], [undefined], [null]])('optional: %j becomes the empty string', (raw) => {
    expect(ok(field({ kind: 'text', required: false }), raw)).toBe('');
  });
});

describe('choice', () => {
  const def = field({ kind: 'choice', choices: CHOICES });
  test('one of the options, trimmed', () => {
    expect(ok(def, ' b ')).toBe('b');
  });
  test.each([['d'], ['A'], ['Apple'], ['a,b']])('%j is not an option', (raw) => {
    expect(error(def, raw)).toBe('The field: choose one of the options.');
  });
  test('required and optional', () => {
    expect(error(def, '')).toBe('The field: this is required.');
    expect(ok({ ...def, required: false }, '')).toBe('');
  });
});

describe('multichoice', () => {
  const def = field({ kind: 'multichoice', choices: CHOICES });
  test.each([
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    [' c , a ', ['c', 'a']],
    ['a,,b,', ['a', 'b']],
    ['b,a,b,b', ['b', 'a']],
  ])('%j parses to %j', (raw, expected) => {
    expect(ok(def, raw)).toEqual(expected);
  });
  test.each([['a,z'], ['Apple'], ['a;b']])('%j contains an unknown value', (raw) => {
    expect(error(def, raw)).toBe('The field: choose from the options shown.');
  });
  test('required: nothing chosen uses the field’s own message when it has one', () => {
    expect(error(def, '')).toBe('The field: this is required.');
    expect(error(def, ' , ')).toBe('The field: this is required.');
    // a card that leaves the input out altogether is the same as choosing nothing
    expect(error(def, undefined)).toBe('The field: this is required.');
    expect(error({ ...def, errorMessage: 'The field: choose at least one.' }, '')).toBe(
      'The field: choose at least one.',
    );
  });
  test('optional: nothing chosen is an empty list', () => {
    expect(ok({ ...def, required: false }, '')).toEqual([]);
    expect(ok({ ...def, required: false }, undefined)).toEqual([]);
  });
});

describe('email', () => {
  const def = field({ kind: 'email' });
  test.each([['name@nhs.net'], ['  first.last@nhs.net '], ['a.b-c@example.org.uk']])(
    '%j is an email',
    (raw) => {
      expect(ok(def, raw)).toBe(raw.trim());
    },
  );
  test.each([['name'], ['name@'], ['@nhs.net'], ['name@nhs'], ['two words@nhs.net']])('%j is not', (raw) => {
    expect(error(def, raw)).toBe('The field: enter an email address like name@nhs.net.');
  });
  test('too long', () => {
    expect(error(def, `${'a'.repeat(250)}@nhs.net`)).toBe('The field: that email address is too long.');
  });
  test('optional may be empty', () => {
    expect(ok({ ...def, required: false }, '  ')).toBe('');
  });
});

describe('phone', () => {
  const def = field({ kind: 'phone' });
  test.each([
    ['0116 555 0101'],
    ['+44 (0)116 555-0101'],
    ['07700900123'],
    [' 999999 '],
    // issue 9: an extension is part of the number
    ['0116 555 0101 ext 234'],
    ['0116 555 0101 ext. 234'],
    ['0116 555 0101 x234'],
    ['0116 555 0101 EXT 4'],
    ['0116 555 0101 extension 12'],
  ])('%j is a number', (raw) => {
    expect(ok(def, raw)).toBe(raw.trim());
  });
  test.each([
    ['call me'],
    ['12345'],
    ['0116 555 0101 ext'],
    ['ext 234'],
    ['1'.repeat(21)],
    ['0116.555.0101'],
  ])('%j is not', (raw) => {
    expect(error(def, raw)).toBe('The field: enter a telephone number.');
  });
  test('optional may be empty', () => {
    expect(ok({ ...def, required: false }, '')).toBe('');
  });
});

describe('date', () => {
  const def = field({ kind: 'date' });
  test('ISO shape, trimmed', () => {
    expect(ok(def, ' 2026-05-10 ')).toBe('2026-05-10');
  });
  test.each([['10/05/2026'], ['2026-5-10'], ['10 May 2026'], ['2026-05-10T00:00']])(
    '%j is not a date',
    (raw) => {
      expect(error(def, raw)).toBe('The field: enter a date.');
    },
  );
  test('optional may be empty', () => {
    expect(ok({ ...def, required: false }, '')).toBe('');
  });
});

describe('values that are not strings (a forged card) fail for every kind', () => {
  test.each<FieldDef['kind']>(['text', 'longtext', 'date', 'choice', 'multichoice', 'phone', 'email'])(
    '%s',
    (kind) => {
      const def = field({ kind, choices: CHOICES, required: false });
      for (const raw of [42, true, ['a'], { value: 'a' }]) {
        expect(parseField(def, raw).success).toBe(false);
      }
    },
  );
});

test('choiceTitle gives the title, or the value if unknown', () => {
  const def = field({ kind: 'choice', choices: CHOICES });
  expect(choiceTitle(def, 'b')).toBe('Banana');
  expect(choiceTitle(def, 'z')).toBe('z');
  expect(choiceTitle(field({ kind: 'text' }), 'free')).toBe('free');
});
