// biome-ignore-all lint/suspicious/noTemplateCurlyInString: template expressions in plain strings are what these tests are about
import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../src/views/card-template';

// The compiled templates must bind every card exactly as adaptivecards-templating does (the reference).
// Besides these tests, every card any test renders is cross-checked (test/harness/card-cross-check.ts).

const reference = (template: unknown, data: object) => new Template(template).expand({ $root: data });
const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));
const same = (template: unknown, data: object) => {
  const compiled = compileTemplate(template);
  expect(compiled.compiled).toBe(true);
  let expected: unknown;
  let threw: unknown;
  try {
    expected = json(reference(template, data));
  } catch (err) {
    threw = err;
  }
  if (threw) expect(() => compiled.expand(data)).toThrow();
  else expect(json(compiled.expand(data))).toEqual(expected);
};

describe('compiled card templates', () => {
  it('[HAZ-22] compile every card in cards/ without falling back to the interpreter', () => {
    const dir = path.resolve(__dirname, '../../cards');
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) {
      const t = compileTemplate(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
      expect(t.compiled, name).toBe(true);
    }
  });

  // each row: a template and data where adaptivecards-templating does something a plain reading would not
  it.each([
    ['! of empty text is false', { t: '${!x}' }, { x: '' }],
    ['! of 0 is false', { t: '${!x}' }, { x: 0 }],
    ['! of absent is true', { t: '${!x}' }, {}],
    ['! of null is true', { t: '${!x}' }, { x: null }],
    ['! of false is true', { t: '${!x}' }, { x: false }],
    ['! of [] is false', { t: '${!x}' }, { x: [] }],
    ["absent != '' keeps", { a: 1, $when: "${x != ''}" }, {}],
    ["null != '' keeps", { a: 1, $when: "${x != ''}" }, { x: null }],
    ["0 != '' keeps", { a: 1, $when: "${x != ''}" }, { x: 0 }],
    ['absent != null drops', { a: 1, $when: '${x != null}' }, {}],
    ['null != null drops', { a: 1, $when: '${x != null}' }, { x: null }],
    ["'' != null keeps", { a: 1, $when: '${x != null}' }, { x: '' }],
    ['count of absent drops', { a: 1, $when: '${count(x) > 0}' }, {}],
    ['count of text', { a: 1, $when: '${count(x) > 0}' }, { x: 'ab' }],
    ['count of an object drops', { a: 1, $when: '${count(x) > 0}' }, { x: {} }],
    ['count == 0 of []', { a: 1, $when: '${count(x) == 0}' }, { x: [] }],
    ["'true' is not true", { a: 1, $when: '${x}' }, { x: 'true' }],
    ['1 is not true', { a: 1, $when: '${x}' }, { x: 1 }],
    ['a $when without ${} drops', { a: 1, $when: 'true' }, {}],
    ['a $when of false keeps', { a: 1, $when: false }, {}],
    ["a $when of '' keeps", { a: 1, $when: '' }, {}],
    ['null stays null', { t: '${x}' }, { x: null }],
    ['absent becomes "${x}"', { t: '${x}' }, {}],
    ['an object inside text', { t: 'a ${x} b' }, { x: { p: 1 } }],
    ['an array inside text', { t: 'a ${x} b' }, { x: [1, 2] }],
    ['null inside text throws', { t: 'a ${x} b' }, { x: null }],
    ['a number inside text', { t: 'a ${x} b ${y}' }, { x: 1.5, y: true }],
    ['a path to an array', { t: '${x.y}' }, { x: { y: [1] } }],
    ['a path through text', { t: '${x.y}' }, { x: 'str' }],
    ['a path to an inherited property', { t: '${x.constructor}' }, { x: {} }],
    ['|| of comparisons', { t: "${kind == 'text' || kind == 'longtext'}" }, { kind: 'longtext' }],
    ['== of absent', { t: "${kind == 'text'}" }, {}],
    ['== of a number', { t: "${kind == 'text'}" }, { kind: 3 }],
    ['repeat over []', { b: [{ $data: '${xs}', v: '${$data}' }] }, { xs: [] }],
    ['repeat over items with null', { b: [{ $data: '${xs}', v: '${$data}' }] }, { xs: ['a', null, 'c'] }],
    ['$index', { b: [{ $data: '${xs}', v: '${$index}' }] }, { xs: ['a', 'b'] }],
    ['$index outside a repeat', { v: '${$index}' }, {}],
    ['repeat as a property, none', { b: { $data: '${xs}', v: '${$data}' } }, { xs: [] }],
    ['repeat as a property, two', { b: { $data: '${xs}', v: '${$data}' } }, { xs: ['a', 'b'] }],
    ['repeat as a property, one', { b: { $data: '${xs}', v: '${$data}' } }, { xs: ['a'] }],
    [
      '$root and $data inside a repeat',
      { b: [{ $data: '${xs}', v: '${$root.r}', w: '${$data.q}' }] },
      { r: 'R', xs: [{ q: 1 }] },
    ],
    ['$data over an object', { b: { $data: '${o}', v: '${q}' } }, { o: { q: 'Q' } }],
    ['$data absent', { b: { $data: '${o}', v: '${q}' } }, {}],
    [
      '$when per repeated item',
      { b: [{ $data: '${xs}', $when: '${on}', v: '${n}' }] },
      { xs: [{ on: true, n: 1 }, { on: 1, n: 2 }, { n: 3 }] },
    ],
    [
      'nested repeats',
      { b: [{ $data: '${xs}', c: [{ $data: '${ys}', v: '${$data}' }] }] },
      { xs: [{ ys: ['a', 'b'] }, { ys: [] }] },
    ],
    ['reserved keys are not copied', { $root: 'x', $index: 1, $host: 2, v: 'kept' }, {}],
  ])('%s', (_name, template, data) => same(template, data));

  it('[HAZ-22] binds user text as data: "${...}" typed by a referrer is shown as typed', () => {
    const t = compileTemplate({ text: '${answer}', line: 'You said: ${answer}' });
    expect(t.expand({ answer: '${$root.secret} ${count(x)}' })).toEqual({
      text: '${$root.secret} ${count(x)}',
      line: 'You said: ${$root.secret} ${count(x)}',
    });
  });

  it('[HAZ-22] leaves a template with an expression it does not know to adaptivecards-templating', () => {
    const template = { t: "${if(x, 'a', 'b')}", u: "${concat(x, 'y')}" };
    const t = compileTemplate(template);
    expect(t.compiled).toBe(false);
    expect(t.expand({ x: 'z' })).toEqual(reference(template, { x: 'z' }));
  });

  // every expression form our cards use, against any data
  const everyForm = {
    type: 'AdaptiveCard',
    body: [
      { type: 'TextBlock', text: '${a}', $when: "${a != ''}" },
      { type: 'TextBlock', text: 'Heading: ${a} (${n})', $when: '${b != null}' },
      {
        type: 'Container',
        $when: '${count(xs) > 0}',
        items: [{ $data: '${xs}', text: '${$data}', n: '${$index}' }],
      },
      { type: 'TextBlock', $when: '${count(xs) == 0}', text: 'none' },
      { type: 'TextBlock', $when: "${k == 'text' || k == 'longtext'}", text: '${$root.a}', hidden: '${!h}' },
      { type: 'Container', $data: '${rows}', items: [{ text: '${label}', v: '${value.x}', $when: '${on}' }] },
      { type: 'Input.Text', id: '${b.c}', isVisible: '${!b.d}' },
    ],
  };
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom('', 'text', 'longtext', '${a}', '[x](y)'),
    fc.string({ maxLength: 6 }),
    fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null), fc.integer()), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom('x', 'c', 'd', 'q'),
      fc.oneof(fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null)),
      { maxKeys: 3 },
    ),
  );
  const row = fc.record({ label: value, value, on: value }, { requiredKeys: [] });
  const data = fc.record(
    {
      a: value,
      b: value,
      n: value,
      xs: value,
      k: value,
      h: value,
      rows: fc.oneof(value, fc.array(row, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  );

  it('[HAZ-22] binds every expression form as adaptivecards-templating does, whatever the data (property)', () => {
    fc.assert(
      fc.property(data, (d) => {
        same(everyForm, d);
      }),
      { numRuns: 1500 },
    );
  });
});
