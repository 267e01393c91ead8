// biome-ignore-all lint/suspicious/noTemplateCurlyInString: template expressions in plain strings are the data under test
/**
 * The checks the card tests rely on must themselves catch what they claim to: each broken card below
 * is a real card with one thing wrong, and must be reported.
 */
import { describe, expect, test } from 'vitest';
import { welcomeCard } from '../../src/views/notice-view';
import { TEST_PROFILE } from '../fixtures/card-scenarios';
import { cardProblems, officialEvents, schemaProblems, unexpanded } from './card-lint';

type Mutable = Record<string, unknown> & { body: Record<string, unknown>[] };

function good(): Mutable {
  return welcomeCard(TEST_PROFILE, false) as Mutable;
}

function withInput(input: Record<string, unknown>): Mutable {
  const card = good();
  card.body.push(input);
  return card;
}

describe('the card checks', () => {
  test('a card the bot builds passes them all', () => {
    expect(cardProblems(good())).toEqual([]);
  });

  test.each<[string, () => Mutable, RegExp]>([
    [
      'an invalid enum value (renderer warning)',
      () => {
        const c = good();
        c.body[0]!.color = 'Purple';
        return c;
      },
      /renderer Parse\/InvalidPropertyValue/,
    ],
    [
      'an unknown element type (renderer warning)',
      () => {
        const c = good();
        c.body.push({ type: 'Input.Rating', id: 'x', label: 'x' });
        return c;
      },
      /renderer Parse\/UnknownElementType/,
    ],
    [
      'a required input without a label (renderer)',
      () => withInput({ type: 'Input.Text', id: 'x', isRequired: true, errorMessage: 'Needed.' }),
      /renderer Validation\/RequiredInputsShouldHaveLabel/,
    ],
    [
      'a required input without an error message',
      () => withInput({ type: 'Input.Text', id: 'x', label: 'X', isRequired: true }),
      /x: required without an error message/,
    ],
    ['an optional input without a label', () => withInput({ type: 'Input.Text', id: 'x' }), /x: no label/],
    [
      'a duplicate input id',
      () => {
        const c = withInput({ type: 'Input.Text', id: 'x', label: 'X' });
        c.body.push({ type: 'Input.Text', id: 'x', label: 'Y' });
        return c;
      },
      /DuplicateId/,
    ],
    [
      'a TextBlock with no text',
      () => {
        const c = good();
        c.body[0]!.text = ' ';
        return c;
      },
      /schema body\.0\.text: empty text/,
    ],
    [
      'an unknown property',
      () => {
        const c = good();
        c.body[0]!.colour = 'Good';
        return c;
      },
      /schema body\.0: .*colour/,
    ],
    [
      'a boolean bound as a string',
      () => withInput({ type: 'Input.Text', id: 'x', label: 'X', isRequired: 'true' }),
      /schema body\.\d+\.isRequired/,
    ],
    [
      'a date input with a value that is not a date',
      () => withInput({ type: 'Input.Date', id: 'x', label: 'X', value: '31/12/2026' }),
      /schema body\.\d+\.value/,
    ],
    [
      'an empty container',
      () => {
        const c = good();
        c.body.push({ type: 'Container', items: [] });
        return c;
      },
      /schema body\.\d+\.items/,
    ],
    ['a version other than 1.5', () => ({ ...good(), version: '1.6' }), /schema version/],
    [
      'half an emoji',
      () => {
        const c = good();
        c.body[0]!.text = `Baby ${'👶'.slice(0, 1)}`;
        return c;
      },
      /half an emoji at \$\.body\[0\]\.text/,
    ],
    [
      'a template expression left unexpanded',
      () => {
        const c = good();
        c.body[0]!.text = '${title}';
        return c;
      },
      /unexpanded template at \$\.body\[0\]\.text/,
    ],
  ])('report %s', (_what, broken, expected) => {
    const problems = cardProblems(broken());
    expect(problems.join('\n')).toMatch(expected);
  });

  test('the renderer reports warnings as well as errors, from parsing and from validation', () => {
    const card = good();
    card.body[0]!.size = 'Huge';
    card.body.push({ type: 'Input.Text', id: 'x', isRequired: true });
    const phases = new Set(officialEvents(card).map((e) => e.phase));
    expect(phases).toEqual(new Set(['Parse', 'Validation']));
  });

  test('template text inside user data is allowed only where that data is', () => {
    const card = good();
    card.body[1]!.text = 'They wrote ${1+1} here';
    expect(unexpanded(card, ['${1+1}'])).toEqual([]);
    expect(unexpanded(card, ['${2+2}'])).toHaveLength(1);
  });

  test('the schema knows every element our templates use', () => {
    expect(schemaProblems(good())).toEqual([]);
  });
});
