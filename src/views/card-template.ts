import { Template } from 'adaptivecards-templating';

/**
 * A card template compiled once into closures, so that a turn binds a card without the
 * adaptive-expressions interpreter (issue 10: it was the largest item in a duty-call turn's CPU profile).
 *
 * It understands only the expressions our cards use (paths, `!path`, `path != ''`, `path != null`,
 * `path == 'text'`, `||`, `count(path) > 0`, `count(path) == 0`, and text around `${path}`) with
 * adaptivecards-templating's semantics, found by trying them against it (test/cards/card-template.test.ts).
 * Anything else falls back to adaptivecards-templating itself: a template it cannot compile is always
 * expanded by the reference engine, and a binding that meets a case whose result it is not sure of
 * (an absent value, which the reference engine turns into the text "${path}"; an object inside text)
 * is expanded again by the reference engine from the start. Whatever it returns, the reference engine
 * would have returned the same; the tests hold every card the suite renders to that.
 *
 * Like the reference engine it evaluates expressions written in the template only: bound values are
 * data, never parsed, so user text such as "${x}" is shown as typed.
 */
export interface CompiledTemplate {
  expand(root: object): unknown;
  /** The same binding by adaptivecards-templating alone (the tests' cross-check). */
  expandByReference(root: object): unknown;
  /** False when the template uses an expression this compiler does not know (then every expansion is the reference engine's). */
  readonly compiled: boolean;
}

/** Thrown inside an expansion to hand the whole binding back to the reference engine. */
class Unsure extends Error {}
const UNSURE = new Unsure('not sure of the reference result');

/** Thrown while compiling: an expression outside the subset. */
class Unsupported extends Error {}

interface Scope {
  readonly root: unknown;
  readonly data: unknown;
  readonly index: number | undefined;
}

type Value = (scope: Scope) => unknown;
/** A node's expansion; `undefined` is never produced (the reference engine drops such keys, and none arise). */
type Node = (scope: Scope) => unknown;

const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function compileTemplate(payload: unknown): CompiledTemplate {
  const reference = new Template(payload);
  const expandByReference = (root: object) => reference.expand({ $root: root });
  let node: Node;
  try {
    node = compileNode(payload);
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    return { compiled: false, expand: expandByReference, expandByReference };
  }
  return {
    compiled: true,
    expandByReference,
    expand(root: object) {
      try {
        return node({ root, data: root, index: undefined });
      } catch (err) {
        if (err instanceof Unsure) return expandByReference(root);
        throw err;
      }
    },
  };
}

function compileNode(node: unknown): Node {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) return compileArray(node);
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  return () => node;
}

function compileArray(items: unknown[]): Node {
  const compiled = items.map(compileNode);
  return (scope) => {
    const out: unknown[] = [];
    for (const item of compiled) {
      const v = item(scope);
      if (v === null) continue;
      if (Array.isArray(v)) for (const x of v) out.push(x);
      else out.push(v);
    }
    return out;
  };
}

function compileObject(obj: Record<string, unknown>): Node {
  const keys = Object.keys(obj).filter((k) => !RESERVED.has(k));
  const children = keys.map((k) => compileNode(obj[k]));
  const single = (scope: Scope) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = children[i]!(scope);
    return out;
  };
  const when = obj.$when === undefined ? undefined : compileWhen(obj.$when);
  const data = obj.$data === undefined ? undefined : compileData(obj.$data);
  if (!when && !data) return single;
  return (scope) => {
    const contexts = data ? data(scope) : [scope];
    const out: Record<string, unknown>[] = [];
    for (const s of contexts) {
      if (when && when(s) !== true) continue;
      out.push(single(s));
    }
    if (out.length === 0) return null;
    return out.length === 1 ? out[0] : out;
  };
}

function compileWhen(when: unknown): Value {
  // a $when that is not an expression drops the element if it is truthy, and keeps it if not, as the
  // reference engine does
  if (typeof when !== 'string' || !when.includes('${')) return when ? () => false : () => true;
  const expr = wholeExpression(when);
  if (expr === undefined) throw new Unsupported(when);
  // without substitutions: an absent value stays absent, and only `true` keeps the element
  const value = compileExpression(expr, false);
  return (scope) => value(scope) === true;
}

function compileData(data: unknown): (scope: Scope) => Scope[] {
  if (typeof data !== 'string' || !data.includes('${')) throw new Unsupported('$data without an expression');
  const expr = wholeExpression(data);
  if (expr === undefined) throw new Unsupported(data);
  const value = compileExpression(expr, true);
  return (scope) => {
    const v = value(scope);
    if (v === null) throw UNSURE;
    if (!Array.isArray(v)) return [{ root: scope.root, data: v, index: scope.index }];
    return v.map((item, index) => {
      if (item === undefined) throw UNSURE;
      return { root: scope.root, data: item, index };
    });
  };
}

/** A string: kept as is without `${`, one value when it is a single expression, else text. */
function compileString(s: string): Node {
  if (!s.includes('${')) return () => s;
  const whole = wholeExpression(s);
  if (whole !== undefined) {
    return compileExpression(whole, true);
  }
  const parts = splitInterpolated(s).map((p) =>
    typeof p === 'string' ? p : compileExpression(p.expr, true),
  );
  return (scope) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const v = p(scope);
      if (typeof v === 'string') out += v;
      else if (typeof v === 'number' || typeof v === 'boolean') out += String(v);
      else throw UNSURE;
    }
    return out;
  };
}

/** The expression when the whole string is `${...}`, else undefined. */
function wholeExpression(s: string): string | undefined {
  const parts = splitInterpolated(s);
  return parts.length === 1 && typeof parts[0] !== 'string' ? parts[0]!.expr : undefined;
}

function splitInterpolated(s: string): (string | { expr: string })[] {
  const parts: (string | { expr: string })[] = [];
  let i = 0;
  while (i < s.length) {
    const start = s.indexOf('${', i);
    if (start < 0) {
      parts.push(s.slice(i));
      break;
    }
    if (start > i) parts.push(s.slice(i, start));
    const end = s.indexOf('}', start);
    if (end < 0) throw new Unsupported(s);
    const expr = s.slice(start + 2, end);
    if (expr.includes('{')) throw new Unsupported(s);
    parts.push({ expr });
    i = end + 1;
  }
  // text the reference engine would read as escapes or string ends inside its backtick string
  for (const p of parts) if (typeof p === 'string' && /[\\`]/.test(p)) throw new Unsupported(s);
  return parts;
}

/**
 * `strict` where the reference engine substitutes absent values (everywhere but $when): there any
 * absent value met hands the binding back to it.
 */
function compileExpression(source: string, strict: boolean): Value {
  const expr = source.trim();
  const or = splitTop(expr, '||');
  if (or.length > 1) {
    const terms = or.map((t) => compileBoolean(t, strict));
    return (scope) => terms.some((t) => t(scope));
  }
  return compileTerm(expr, strict);
}

/** An operand of `||`: a comparison, or anything the reference engine reads as true only when it is `true`. */
function compileBoolean(source: string, strict: boolean): (scope: Scope) => boolean {
  const term = compileTerm(source.trim(), strict);
  return (scope) => {
    const v = term(scope);
    if (typeof v !== 'boolean') throw UNSURE;
    return v;
  };
}

function compileTerm(expr: string, strict: boolean): Value {
  let m = /^count\(\s*(.+?)\s*\)\s*(>|==)\s*0$/.exec(expr);
  if (m) {
    const path = compilePath(m[1]!, strict);
    const greater = m[2] === '>';
    return (scope) => {
      const v = path(scope);
      if (typeof v === 'string' || Array.isArray(v)) return greater ? v.length > 0 : v.length === 0;
      if (v === undefined && greater) return false;
      throw UNSURE;
    };
  }
  m = /^(.+?)\s*(!=|==)\s*(''|null|'[^'\\]*')$/.exec(expr);
  if (m) {
    const path = compilePath(m[1]!, strict);
    const negate = m[2] === '!=';
    const literal = m[3] === 'null' ? null : m[3]!.slice(1, -1);
    return (scope) => {
      const v = path(scope);
      let equal: boolean;
      if (v === undefined || v === null) equal = literal === null;
      else if (literal === null) equal = false;
      else if (typeof v === 'string') equal = v === literal;
      else throw UNSURE;
      return negate ? !equal : equal;
    };
  }
  m = /^!\s*(.+)$/.exec(expr);
  if (m) {
    const path = compilePath(m[1]!, strict);
    // the reference engine's truth: only false, null and absence are false ('' and 0 are true)
    return (scope) => {
      const v = path(scope);
      return v === undefined || v === null || v === false;
    };
  }
  return compilePath(expr, strict);
}

function compilePath(source: string, strict: boolean): Value {
  const segments = source.trim().split('.');
  const [head, ...rest] = segments;
  for (const s of rest) if (!IDENT.test(s)) throw new Unsupported(source);
  let start: (scope: Scope) => unknown;
  if (head === '$data') start = (scope) => scope.data;
  else if (head === '$root') start = (scope) => scope.root;
  else if (head === '$index') {
    if (rest.length > 0) throw new Unsupported(source);
    start = (scope) => scope.index;
  } else if (head !== undefined && IDENT.test(head)) {
    rest.unshift(head);
    start = (scope) => scope.data;
  } else throw new Unsupported(source);
  return (scope) => {
    let v = start(scope);
    for (const key of rest) {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) {
        v = undefined;
        break;
      }
      v = (v as Record<string, unknown>)[key];
    }
    if (v === undefined && strict) throw UNSURE;
    return v;
  };
}

/** Splits on a top-level operator (our expressions have no parentheses around it or quotes holding it). */
function splitTop(expr: string, op: string): string[] {
  if (!expr.includes(op)) return [expr];
  if (/['(]/.test(expr.replace(/'[^']*'/g, '').replace(/count\([^)]*\)/g, ''))) throw new Unsupported(expr);
  return expr.split(op);
}
