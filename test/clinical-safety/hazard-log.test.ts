import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  checkHazardLog,
  checkHazardLogAgainstSource,
  type Hazard,
  hazardTitlesInSource,
  parseHazardLog,
  type SourceTitle,
  type TestOutcome,
} from '../../scripts/lib/hazard-log';

const ROOT = path.resolve(__dirname, '..', '..');
const LOG = path.join(ROOT, 'docs', 'clinical-safety', 'hazard-log.md');

describe('the hazard log checker', () => {
  const hazards: Hazard[] = [
    { id: 'HAZ-01', title: 'one', tests: ['[HAZ-01] shows one'] },
    { id: 'HAZ-02', title: 'two', tests: ['[HAZ-02] shows two'] },
  ];
  const passing: TestOutcome[] = [
    { title: '[HAZ-01] shows one', status: 'passed', file: 'a.test.ts' },
    { title: '[HAZ-02] shows two', status: 'passed', file: 'b.test.ts' },
    { title: 'an ordinary test', status: 'passed', file: 'c.test.ts' },
  ];

  test('agrees when every listed test passed and every hazard test is listed', () => {
    expect(checkHazardLog(hazards, passing)).toEqual([]);
  });

  test('finds a listed test that failed, was skipped, or is not in the suite', () => {
    const failed = passing.map((t) => (t.title.startsWith('[HAZ-01]') ? { ...t, status: 'failed' } : t));
    expect(checkHazardLog(hazards, failed)).toEqual(['HAZ-01: test "[HAZ-01] shows one" failed (a.test.ts)']);
    const skipped = passing.map((t) => (t.title.startsWith('[HAZ-02]') ? { ...t, status: 'skipped' } : t));
    expect(checkHazardLog(hazards, skipped)).toEqual([
      'HAZ-02: test "[HAZ-02] shows two" skipped (b.test.ts)',
    ]);
    expect(checkHazardLog(hazards, passing.slice(1))).toEqual([
      'HAZ-01: test "[HAZ-01] shows one" is not in the suite',
    ]);
  });

  test('finds a hazard test the log does not list, or one named for a hazard not in the log', () => {
    const more = [...passing, { title: '[HAZ-02] shows more', status: 'passed', file: 'd.test.ts' }];
    expect(checkHazardLog(hazards, more)).toEqual([
      'test "[HAZ-02] shows more" is not listed under HAZ-02 in the hazard log',
    ]);
    const stray = [...passing, { title: '[HAZ-07] shows seven', status: 'passed', file: 'e.test.ts' }];
    expect(checkHazardLog(hazards, stray)).toEqual([
      'test "[HAZ-07] shows seven" names HAZ-07, which is not in the hazard log',
    ]);
  });

  test('finds a hazard without a test, a test listed under the wrong hazard, and a hazard listed twice', () => {
    expect(checkHazardLog([...hazards, { id: 'HAZ-03', title: 'three', tests: [] }], passing)).toEqual([
      'HAZ-03: no test shows its mitigation',
    ]);
    const misfiled: Hazard[] = [hazards[0]!, { id: 'HAZ-02', title: 'two', tests: ['[HAZ-01] shows one'] }];
    expect(checkHazardLog(misfiled, passing)).toContain(
      'HAZ-02: test "[HAZ-01] shows one" is named for HAZ-01',
    );
    expect(checkHazardLog([...hazards, hazards[0]!], passing)).toContain(
      'HAZ-01: listed twice in the hazard log',
    );
  });

  test('reads hazards and their listed tests from the log’s Markdown', () => {
    const md = [
      '### HAZ-01: One',
      'Cause: ...',
      '**Tests**',
      '- `[HAZ-01] shows one` (test/a.test.ts)',
      '* `[HAZ-01] shows it again`',
      '- not a test: `[HAZ-01] quoted in prose` later',
      '### HAZ-02 — Two',
      '- `[HAZ-02] shows two`',
    ].join('\n');
    expect(parseHazardLog(md)).toEqual([
      { id: 'HAZ-01', title: 'One', tests: ['[HAZ-01] shows one', '[HAZ-01] shows it again'] },
      { id: 'HAZ-02', title: 'Two', tests: ['[HAZ-02] shows two'] },
    ]);
  });
});

describe('the hazard log against the suite’s source', () => {
  test('titles are read from literals and templates, placeholders matching anything', () => {
    const source = [
      "test('[HAZ-01] a plain title', () => {});",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a test file's source, as text
      'test(`[HAZ-02] harm ${value} is flagged`, () => {});',
      "test.each(['a', 'b'])('[HAZ-03] case %s is checked', () => {});",
      "test('not a hazard test', () => {});",
      "test('[HAZ-04] it\\'s escaped', () => {});",
    ].join('\n');
    const titles = hazardTitlesInSource(source, 'x.test.ts');
    expect(titles.map((t) => t.written)).toEqual([
      '[HAZ-01] a plain title',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the title as written, placeholder and all
      '[HAZ-02] harm ${value} is flagged',
      '[HAZ-03] case %s is checked',
      "[HAZ-04] it\\'s escaped",
    ]);
    expect(titles[1]!.pattern.test('[HAZ-02] harm "not known" is flagged')).toBe(true);
    expect(titles[2]!.pattern.test('[HAZ-03] case b is checked')).toBe(true);
    expect(titles[0]!.pattern.test('[HAZ-01] a plain title, longer')).toBe(false);
    expect(titles[3]!.pattern.test("[HAZ-04] it's escaped")).toBe(true);
  });

  test('finds listed titles missing from the source, and source titles missing from the log', () => {
    const titles = hazardTitlesInSource("test('[HAZ-01] shows one'); test('[HAZ-02] extra')", 'x.test.ts');
    const log: Hazard[] = [
      { id: 'HAZ-01', title: 'one', tests: ['[HAZ-01] shows one', '[HAZ-01] gone'] },
      { id: 'HAZ-02', title: 'two', tests: [] },
    ];
    expect(checkHazardLogAgainstSource(log, titles)).toEqual([
      'HAZ-01: test "[HAZ-01] gone" is not in the suite',
      'HAZ-02: no test shows its mitigation',
      'test "[HAZ-02] extra" (x.test.ts) is not listed in the hazard log',
    ]);
  });
});

test('the hazard log and the suite’s hazard tests name each other', () => {
  const titles: SourceTitle[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      // this file's own examples are not hazard tests
      else if (/\.test\.ts$/.test(entry.name) && full !== __filename) {
        titles.push(...hazardTitlesInSource(fs.readFileSync(full, 'utf8'), path.relative(ROOT, full)));
      }
    }
  };
  walk(path.join(ROOT, 'test'));
  const hazards = parseHazardLog(fs.readFileSync(LOG, 'utf8'));
  expect(hazards.length).toBeGreaterThanOrEqual(20);
  expect(checkHazardLogAgainstSource(hazards, titles)).toEqual([]);
});

test('every test the traceability table names is in the file it names', () => {
  const table = fs.readFileSync(path.join(ROOT, 'docs', 'clinical-safety', 'traceability.md'), 'utf8');
  const missing: string[] = [];
  let named = 0;
  // rows name tests as `file` › *title*, several to a cell (more titles of the same file after a ;)
  for (const cell of table.matchAll(/`(test\/[^`]+?\.test\.ts)` › ((?:\*[^*]+\*(?:; )?)+)/g)) {
    const source = fs.readFileSync(path.join(ROOT, cell[1]!), 'utf8');
    for (const title of cell[2]!.matchAll(/\*([^*]+)\*/g)) {
      named += 1;
      if (!source.includes(title[1]!)) missing.push(`${cell[1]}: ${title[1]}`);
    }
  }
  expect(named).toBeGreaterThanOrEqual(30);
  expect(missing).toEqual([]);
});
