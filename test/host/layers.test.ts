import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports run one way (DEVELOPERS.md, issue 11): domain <- records and storage <- views <- delivery <- bot
 * <- host. A rule then lives once, where a newcomer looks for it, and the lower layers can be reused
 * (a second store, a worker split from the bot) without dragging the Teams layer along. Each folder of
 * src/, and each file at its top, has a place; an import may only reach its own place or one below.
 */
const PLACE: Record<string, number> = {
  domain: 0,
  logger: 0,
  'stack-traces': 0,
  config: 1,
  storage: 2,
  records: 3,
  views: 4,
  delivery: 5,
  http: 6,
  bot: 6,
  server: 7,
  'app-host': 8,
  index: 9,
  bundle: 9,
};

const SRC = path.resolve(__dirname, '../../src');

/** The layer a file of src/ belongs to: its top folder, or its own name at the top. */
function layerOf(file: string): string {
  const [top] = path.relative(SRC, file).split(path.sep);
  return top!.replace(/\.ts$/, '');
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface Import {
  readonly from: string;
  readonly to: string;
}

/** Every relative import and re-export under `dir`, type-only ones too (they tie the layers as much). */
function imports(dir = SRC): Import[] {
  return sources(dir).flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => ({
      from: file,
      to: path.resolve(path.dirname(file), m[1]!),
    }));
  });
}

/** The imports that reach a layer above their own, as "<file> imports <file>". */
function upward(list: readonly Import[]): string[] {
  return list
    .filter((i) => PLACE[layerOf(i.to)]! > PLACE[layerOf(i.from)]!)
    .map((i) => `${path.relative(SRC, i.from)} imports ${path.relative(SRC, i.to)}`);
}

describe('layers', () => {
  const all = imports();

  it('gives every folder of src/ a place', () => {
    const layers = new Set(sources(SRC).map(layerOf));
    expect([...layers].filter((l) => PLACE[l] === undefined)).toEqual([]);
    // the scan reads what it should: hundreds of imports, across every layer
    expect(all.length).toBeGreaterThan(300);
    expect(new Set(all.map((i) => layerOf(i.from))).size).toBeGreaterThanOrEqual(10);
  });

  it('imports only from its own layer or one below: domain <- records, storage <- views <- delivery <- bot <- host', () => {
    expect(upward(all)).toEqual([]);
  });

  it('finds an upward import when there is one, and passes one downward', () => {
    const at = (p: string) => path.join(SRC, p);
    expect(
      upward([
        { from: at('domain/draft.ts'), to: at('bot/turn') },
        { from: at('records/submissions.ts'), to: at('delivery/worker') },
        { from: at('delivery/render.ts'), to: at('views/duty-view') },
        { from: at('app-host.ts'), to: at('server') },
      ]),
    ).toEqual(['domain/draft.ts imports bot/turn', 'records/submissions.ts imports delivery/worker']);
  });
});

const ROOT = path.resolve(__dirname, '../..');
const TEST = path.join(ROOT, 'test');

/**
 * What of test/ the scripts (benchmarks, reports) may use (issue 11): the harness, the one way to drive
 * the bot, and the fixtures. Reaching into a suite's own support ties a benchmark to that suite's
 * shortcuts and lets two ways of driving the bot grow apart again (there were three HTTP clients).
 */
function scriptsReachingIntoTests(list: readonly Import[]): string[] {
  const allowed = ['harness', 'fixtures'].map((d) => path.join(TEST, d) + path.sep);
  return list
    .filter((i) => i.to.startsWith(TEST + path.sep) && !allowed.some((a) => i.to.startsWith(a)))
    .map((i) => `${path.relative(ROOT, i.from)} imports ${path.relative(ROOT, i.to)}`);
}

describe('scripts and the test harness', () => {
  it('scripts use only test/harness and test/fixtures of test/', () => {
    const list = imports(path.join(ROOT, 'scripts'));
    // the scan reads what it should: the benchmarks do use the harness
    expect(list.filter((i) => i.to.includes(`${path.sep}harness${path.sep}`)).length).toBeGreaterThan(10);
    expect(scriptsReachingIntoTests(list)).toEqual([]);
  });

  it('finds a script reaching into a suite', () => {
    const at = (p: string) => path.join(ROOT, p);
    expect(
      scriptsReachingIntoTests([
        { from: at('scripts/bench.ts'), to: at('test/delivery/support') },
        { from: at('scripts/bench.ts'), to: at('test/harness/chat') },
        { from: at('scripts/bench.ts'), to: at('test/fixtures/answers') },
        { from: at('scripts/bench.ts'), to: at('src/app-host') },
      ]),
    ).toEqual(['scripts/bench.ts imports test/delivery/support']);
  });

  it('drives the bot over HTTP through one client (test/harness/chat.ts)', () => {
    // fetch or http.request aimed at /api/messages anywhere else in the harness, the suites or scripts is
    // a second client. The exceptions send what no client would: raw-http.ts (a declared length, a body in
    // slow chunks) and the fuzz test (arbitrary bytes and headers, each with a deadline)
    const exceptions = [
      ['harness', 'chat.ts'],
      ['harness', 'raw-http.ts'],
      ['bot', 'fuzz.test.ts'],
    ].map((p) => path.join(...p));
    const files = [...sources(TEST), ...sources(path.join(ROOT, 'scripts'))].filter(
      (f) => !exceptions.some((e) => f.endsWith(path.sep + e)),
    );
    const clients = files.filter((f) =>
      /(?:fetch|http\.request)\([^)]*api\/messages/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(clients.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
