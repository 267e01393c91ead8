import fs from 'node:fs';

/**
 * The clinical safety case's hazard log (docs/clinical-safety/hazard-log.md) names, for each hazard,
 * the tests that show its mitigations, by their exact titles; each of those titles starts with the
 * hazard's id ("[HAZ-04] ..."). These functions let a script hold the log and the suite to each other
 * both ways: every listed test exists and passed, and every hazard test in the suite is listed under
 * its own hazard.
 */

export interface Hazard {
  readonly id: string;
  readonly title: string;
  /** Exact test titles listed under the hazard's "Tests" heading. */
  readonly tests: readonly string[];
}

const HEADING = /^##+\s+(HAZ-\d{2})\s*[:\u2014-]\s*(.+?)\s*$/;
/** A listed test: a bullet whose first code span is the title, e.g. - `[HAZ-04] ...` (test/x.test.ts). */
const LISTED = /^\s*[-*]\s+`(\[HAZ-\d{2}\][^`]*)`/;
export const HAZARD_TITLE = /^\[(HAZ-\d{2})\]/;

export function parseHazardLog(markdown: string): Hazard[] {
  const hazards: { id: string; title: string; tests: string[] }[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (heading) {
      hazards.push({ id: heading[1]!, title: heading[2]!, tests: [] });
      continue;
    }
    const listed = LISTED.exec(line);
    if (listed && hazards.length > 0) hazards[hazards.length - 1]!.tests.push(listed[1]!);
  }
  return hazards;
}

export interface TestOutcome {
  readonly title: string;
  readonly status: string;
  readonly file: string;
}

/** Every test of a vitest JSON report (`--reporter=json`), with its file. */
export function testsOfReport(file: string): TestOutcome[] {
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
  };
  return report.testResults.flatMap((suite) =>
    suite.assertionResults.map((t) => ({ title: t.title, status: t.status, file: suite.name })),
  );
}

/** What does not hold between the log and the tests; empty when the log and the suite agree. */
export function checkHazardLog(hazards: readonly Hazard[], tests: readonly TestOutcome[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const h of hazards) {
    if (seen.has(h.id)) problems.push(`${h.id}: listed twice in the hazard log`);
    seen.add(h.id);
    if (h.tests.length === 0) problems.push(`${h.id}: no test shows its mitigation`);
    for (const title of h.tests) {
      const id = HAZARD_TITLE.exec(title)?.[1];
      if (id !== h.id) problems.push(`${h.id}: test "${title}" is named for ${id ?? 'no hazard'}`);
      const found = tests.filter((t) => t.title === title);
      if (found.length === 0) problems.push(`${h.id}: test "${title}" is not in the suite`);
      for (const t of found) {
        if (t.status !== 'passed') problems.push(`${h.id}: test "${title}" ${t.status} (${t.file})`);
      }
    }
  }
  const listed = new Map(hazards.flatMap((h) => h.tests.map((t) => [t, h.id] as const)));
  for (const t of tests) {
    const id = HAZARD_TITLE.exec(t.title)?.[1];
    if (!id) continue;
    if (!seen.has(id)) problems.push(`test "${t.title}" names ${id}, which is not in the hazard log`);
    else if (!listed.has(t.title))
      problems.push(`test "${t.title}" is not listed under ${id} in the hazard log`);
  }
  return problems;
}

/** A hazard test's title as written in a test file: a literal, or a template with placeholders. */
export interface SourceTitle {
  readonly written: string;
  readonly file: string;
  readonly pattern: RegExp;
}

/**
 * Hazard test titles in a test file's source. Template literals (`${...}`) and test.each's printf
 * placeholders (%s, %d, $name) match anything, so a listed title can be checked against the source
 * before the suite has run.
 */
export function hazardTitlesInSource(source: string, file: string): SourceTitle[] {
  const out: SourceTitle[] = [];
  for (const m of source.matchAll(/(['"`])(\[HAZ-\d{2}\](?:\\.|(?!\1).)*)\1/g)) {
    const quote = m[1]!;
    const written = m[2]!;
    const parts = written.split(
      quote === '`' ? /\$\{[^}]*\}|%[sdifjo#%]|\$[A-Za-z_]\w*/ : /%[sdifjo#]|\$[A-Za-z_]\w*/,
    );
    const escaped = parts.map((p) => p.replace(/\\(.)/g, '$1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    out.push({ written, file, pattern: new RegExp(`^${escaped.join('.*')}$`, 's') });
  }
  return out;
}

/** The log against the suite's source: what can be checked without running the tests. */
export function checkHazardLogAgainstSource(
  hazards: readonly Hazard[],
  titles: readonly SourceTitle[],
): string[] {
  const problems: string[] = [];
  const ids = new Set(hazards.map((h) => h.id));
  const matched = new Set<SourceTitle>();
  for (const h of hazards) {
    if (h.tests.length === 0) problems.push(`${h.id}: no test shows its mitigation`);
    for (const title of h.tests) {
      const id = HAZARD_TITLE.exec(title)?.[1];
      if (id !== h.id) problems.push(`${h.id}: test "${title}" is named for ${id ?? 'no hazard'}`);
      const found = titles.filter((t) => t.pattern.test(title));
      if (found.length === 0) problems.push(`${h.id}: test "${title}" is not in the suite`);
      for (const t of found) matched.add(t);
    }
  }
  for (const t of titles) {
    const id = HAZARD_TITLE.exec(t.written)?.[1] ?? '';
    if (!ids.has(id))
      problems.push(`test "${t.written}" (${t.file}) names ${id}, which is not in the hazard log`);
    else if (!matched.has(t))
      problems.push(`test "${t.written}" (${t.file}) is not listed in the hazard log`);
  }
  return problems;
}
