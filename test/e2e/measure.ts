/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Measures a walk through a call in the playground (issue 9 item 3): the section cards before the
 * review, the inputs each shows and how many say "(required)", the clicks and the typed characters it
 * takes, and the time. Inputs are counted from the rendered Adaptive Card (the DOM), clicks and typing
 * from the harness's press/fill/say (E2E.watch).
 *
 *   const m = startMeasure(e2e, 'full call');
 *   await e2e.say('start');
 *   for (const section of SECTIONS) {
 *     await m.card(section);                 // a new section card is on screen: count it, screenshot it
 *     await fillSection(e2e, 'full', section, CALL);
 *     await e2e.press('Next');
 *   }
 *   await m.review();                        // the review card is on screen
 *   await e2e.press('Submit the duty call', 3);
 *   const r = m.report();                    // prints a table; r.totals.cardsBeforeReview etc.
 *   expect(overTargets(r)).toEqual([]);
 *
 * Clicks: 1 per button press, 1 per radio button or checkbox chosen (or unticked), 2 per dropdown
 * choice (open + pick), 0 for typing and for moving between fields by keyboard (Tab). Typed
 * characters: what is typed into a card's text and date inputs (a date as the harness types it, e.g.
 * "May 14, 2026"); text typed into the chat box is counted apart (chatTyped). An input that already
 * holds the value asked for takes no click and no typing.
 *
 * Inputs: one per rendered input (a text box, a date, a choice set however many choices it has, a
 * toggle), visible ones only (an isVisible:false container, e.g. an Action.ToggleVisibility target, is
 * not rendered until shown). "shown" is what the card shows when it arrives; "max" also counts inputs
 * that the walk revealed before leaving the card (sampled again before each button press on it).
 * Required: the label says "(required)" (how the bot marks them), or the input is aria-required.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import type { E2E, E2EAction } from './harness';

/** Issue 9 item 3's targets for a typical full call. */
export const TARGETS = { cardsBeforeReview: 8, inputsShown: 35, required: 20, clicks: 40 } as const;

export const CLICK_RULE =
  '1 per button press, 1 per radio button or checkbox chosen, 2 per dropdown choice (open + pick), 0 for typing (Tab between fields)';

export interface InputSeen {
  readonly label: string;
  readonly kind: string;
  readonly required: boolean;
}

export interface StepCount {
  /** 'start': before the first card (e.g. the chat message that starts the call); 'review': the review card and after. */
  readonly type: 'start' | 'card' | 'review';
  readonly label: string;
  /** Visible inputs when the card arrived. */
  readonly inputsShown: number;
  /** Visible inputs at any time on this card (with those the walk revealed). */
  readonly inputsShownMax: number;
  /** Of inputsShownMax, those whose label says "(required)". */
  readonly required: number;
  /** Visible buttons when the card arrived. */
  readonly buttons: number;
  readonly clicks: number;
  readonly typed: number;
  readonly chatTyped: number;
  /** From this step's start to the next one's (or the report). */
  readonly ms: number;
  readonly inputs: readonly InputSeen[];
  readonly actions: readonly E2EAction[];
  readonly shot?: string;
}

export interface MeasureReport {
  readonly name: string;
  readonly clickRule: string;
  readonly steps: readonly StepCount[];
  readonly totals: {
    readonly cardsBeforeReview: number;
    /** Summed over the cards before the review. */
    readonly inputsShown: number;
    readonly inputsShownMax: number;
    readonly required: number;
    /** The whole walk: start, cards, review and what follows it (e.g. Submit). */
    readonly clicks: number;
    /** Start and the cards before the review, including the press that brings the review. */
    readonly clicksToReview: number;
    readonly typed: number;
    readonly chatTyped: number;
    readonly elapsedMs: number;
    readonly elapsedToReviewMs: number;
  };
  /** Where the JSON copy was written (next to the screenshots), if any screenshot was taken. */
  readonly file?: string;
}

export interface Measure {
  /** A new section card is on screen (the newest card): counts its inputs and screenshots it. */
  card(label: string, options?: StepOptions): Promise<StepCount['inputs']>;
  /** The review card is on screen: ends the cards before the review; later clicks count to the total. */
  review(label?: string, options?: StepOptions): Promise<StepCount['inputs']>;
  /** Stops measuring, prints a table to stdout and returns the numbers (written as JSON by the screenshots). */
  report(): MeasureReport;
}

export interface StepOptions {
  /** Screenshot the card (default true, named after the label), or not, or under another name. */
  readonly shot?: boolean | string;
  /** The card to count (default: the newest card). */
  readonly of?: Locator;
}

interface Sample {
  readonly inputs: InputSeen[];
  readonly buttons: number;
}

/** The visible inputs and buttons of a rendered card, read from the playground's DOM. */
export async function countCard(card: Locator): Promise<Sample> {
  // no named helpers inside evaluate(): tsx (esbuild keepNames) would wrap them in __name()
  return card.evaluate((root) => {
    const inputs: { label: string; kind: string; required: boolean }[] = [];
    for (const box of root.querySelectorAll('.ac-input-container')) {
      const el = box as HTMLElement;
      const visible =
        typeof el.checkVisibility === 'function'
          ? el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions)
          : el.getClientRects().length > 0;
      if (!visible) continue;
      // the element the label is for: the first renderer id in the container (the input, the radio
      // group or the checkboxes' container)
      const control = box.querySelector('[id^="__ac-"]');
      const forIt = control ? root.querySelector(`label.ac-richTextBlock[for="${control.id}"]`) : null;
      const label = forIt ?? box.parentElement?.querySelector(':scope > label.ac-richTextBlock') ?? null;
      const text = (label?.textContent ?? control?.getAttribute('aria-label') ?? '')
        .replace(/\s+/g, ' ')
        .trim();
      const checkboxes = box.querySelectorAll('input[type="checkbox"]').length;
      const kind = box.querySelector('[role="radiogroup"]')
        ? 'radio'
        : box.querySelector('.fui-Combobox')
          ? 'dropdown'
          : box.querySelector('.fui-DatePicker')
            ? 'date'
            : box.querySelector('textarea')
              ? 'longtext'
              : box.querySelector('[role="spinbutton"]')
                ? 'number'
                : box.querySelector('input[type="time"]')
                  ? 'time'
                  : checkboxes > 1 || box.querySelector('[id^="__ac-"] > .fui-Checkbox')
                    ? 'checkboxes'
                    : checkboxes === 1
                      ? 'toggle'
                      : 'text';
      const required =
        /\(required\)/i.test(text) ||
        /\*\s*$/.test(text) ||
        box.querySelector('[aria-required="true"]') !== null;
      inputs.push({ label: text, kind, required });
    }
    const buttons = [...root.querySelectorAll('button[title]')].filter((b) =>
      typeof (b as HTMLElement).checkVisibility === 'function'
        ? (b as HTMLElement).checkVisibility()
        : (b as HTMLElement).getClientRects().length > 0,
    ).length;
    return { inputs, buttons };
  });
}

interface Step {
  type: StepCount['type'];
  label: string;
  startedAt: number;
  arrival: Sample;
  /** Every input seen on the card, by label (and position for unlabelled ones). */
  seen: Map<string, InputSeen>;
  clicks: number;
  typed: number;
  chatTyped: number;
  actions: E2EAction[];
  shot?: string;
}

const keyOf = (input: InputSeen, i: number) => (input.label ? `${input.label}#${input.kind}` : `#${i}`);

/** Starts counting what `e2e` does from now on; `name` heads the table. */
export function startMeasure(e2e: E2E, name = 'walk'): Measure {
  const started = Date.now();
  let reviewAt: number | undefined;
  let lastShot: string | undefined;
  const steps: Step[] = [];
  const newStep = (type: Step['type'], label: string, arrival: Sample): Step => {
    const step: Step = {
      type,
      label,
      startedAt: Date.now(),
      arrival,
      seen: new Map(arrival.inputs.map((input, i) => [keyOf(input, i), input])),
      clicks: 0,
      typed: 0,
      chatTyped: 0,
      actions: [],
    };
    steps.push(step);
    return step;
  };
  let current = newStep('start', 'start', { inputs: [], buttons: 0 });

  const unwatch = e2e.watch(async (action) => {
    const step = current;
    // before a button press the card is still the newest: look again for inputs the walk revealed
    if (action.kind === 'button' && step.type !== 'start') {
      const again = await countCard(e2e.card()).catch(() => undefined);
      for (const [i, input] of (again?.inputs ?? []).entries()) {
        const key = keyOf(input, i);
        if (!step.seen.has(key)) step.seen.set(key, input);
      }
    }
    step.actions.push(action);
    step.clicks += action.clicks;
    if (action.kind === 'chat') step.chatTyped += action.typed;
    else step.typed += action.typed;
  });

  const arrive = async (type: 'card' | 'review', label: string, options: StepOptions) => {
    const of = options.of ?? e2e.card();
    const sample = await countCard(of);
    const step = newStep(type, label, sample);
    current = step;
    if (options.shot !== false) {
      step.shot = await e2e.shot(typeof options.shot === 'string' ? options.shot : label, of);
      lastShot = step.shot;
    }
    return sample.inputs;
  };

  return {
    card(label, options = {}) {
      if (reviewAt !== undefined) throw new Error(`measure: card "${label}" after the review`);
      return arrive('card', label, options);
    },
    review(label = 'review', options = {}) {
      reviewAt = Date.now();
      return arrive('review', label, options);
    },
    report() {
      unwatch();
      const ended = Date.now();
      const rows: StepCount[] = steps.map((s, i) => {
        const all = [...s.seen.values()];
        return {
          type: s.type,
          label: s.label,
          inputsShown: s.arrival.inputs.length,
          inputsShownMax: all.length,
          required: all.filter((x) => x.required).length,
          buttons: s.arrival.buttons,
          clicks: s.clicks,
          typed: s.typed,
          chatTyped: s.chatTyped,
          ms: (steps[i + 1]?.startedAt ?? ended) - s.startedAt,
          inputs: all,
          actions: s.actions,
          ...(s.shot ? { shot: s.shot } : {}),
        };
      });
      const cards = rows.filter((r) => r.type === 'card');
      const sum = (
        of: readonly StepCount[],
        k: 'inputsShown' | 'inputsShownMax' | 'required' | 'clicks' | 'typed' | 'chatTyped',
      ) => of.reduce((n, r) => n + r[k], 0);
      const beforeReview = rows.filter((r) => r.type !== 'review');
      const report: MeasureReport = {
        name,
        clickRule: CLICK_RULE,
        steps: rows,
        totals: {
          cardsBeforeReview: cards.length,
          inputsShown: sum(cards, 'inputsShown'),
          inputsShownMax: sum(cards, 'inputsShownMax'),
          required: sum(cards, 'required'),
          clicks: sum(rows, 'clicks'),
          clicksToReview: sum(beforeReview, 'clicks'),
          typed: sum(rows, 'typed'),
          chatTyped: sum(rows, 'chatTyped'),
          elapsedMs: ended - started,
          elapsedToReviewMs: (reviewAt ?? ended) - started,
        },
      };
      const file = lastShot ? path.join(path.dirname(lastShot), `measure-${slug(name)}.json`) : undefined;
      if (file) fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      const out = file ? { ...report, file } : report;
      process.stdout.write(table(out));
      return out;
    },
  };
}

/** The targets a report misses, as sentences (empty when within them all). */
export function overTargets(r: MeasureReport, targets = TARGETS): string[] {
  const t = r.totals;
  return [
    t.cardsBeforeReview > targets.cardsBeforeReview
      ? `${t.cardsBeforeReview} cards before the review (target ${targets.cardsBeforeReview})`
      : '',
    t.inputsShown > targets.inputsShown
      ? `${t.inputsShown} inputs shown (target ${targets.inputsShown})`
      : '',
    t.required > targets.required ? `${t.required} required (target ${targets.required})` : '',
    t.clicks > targets.clicks ? `${t.clicks} clicks (target ${targets.clicks})` : '',
  ].filter(Boolean);
}

function slug(s: string): string {
  return s.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** The report as a plain-text table. */
export function table(r: MeasureReport): string {
  const head = ['step', 'shown', 'max', 'required', 'buttons', 'clicks', 'typed', 'chat', 'seconds'];
  const secs = (ms: number) => (ms / 1000).toFixed(1);
  const lines: string[][] = r.steps.map((s) => [
    s.type === 'card' ? s.label : `(${s.label})`,
    s.type === 'start' ? '' : String(s.inputsShown),
    s.type === 'start' ? '' : String(s.inputsShownMax),
    s.type === 'start' ? '' : String(s.required),
    s.type === 'start' ? '' : String(s.buttons),
    String(s.clicks),
    String(s.typed),
    String(s.chatTyped),
    secs(s.ms),
  ]);
  const t = r.totals;
  lines.push([
    `TOTAL: ${t.cardsBeforeReview} cards`,
    String(t.inputsShown),
    String(t.inputsShownMax),
    String(t.required),
    '',
    `${t.clicks} (${t.clicksToReview} to review)`,
    String(t.typed),
    String(t.chatTyped),
    `${secs(t.elapsedMs)} (${secs(t.elapsedToReviewMs)} to review)`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `measure: ${r.name} (inputs, required and buttons per section card; shown = on arrival, max = with any the walk revealed)`,
    row(head),
    ...lines.map(row),
    `clicks: ${r.clickRule}; typed: characters typed into card inputs; chat: typed into the chat box`,
    r.file ? `written to ${r.file}` : '',
    '',
  ].join('\n');
}
