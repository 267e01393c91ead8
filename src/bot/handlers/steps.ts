import type { TurnContext } from 'botbuilder';
import { goBack, keepTypedOnBack } from '../../domain/back';
import { needsSharingStatement } from '../../domain/consent';
import {
  type Draft,
  goTo,
  keepTyped,
  pageAt,
  pageCount,
  pageOf,
  reissue,
  savePage,
  savePhonePage,
  sectionsOf,
  withoutTyped,
} from '../../domain/draft';
import { type PageDef, pageOfSection, sectionInputs } from '../../domain/pages';
import { phonePrompts } from '../../domain/pick-up-the-phone';
import { possibleHarmFlagged, withTypedHarm } from '../../domain/risk';
import { askedInputs, validatePage } from '../../domain/section-validation';
import type { Query } from '../../storage/sql';
import { buttons } from '../../views/common';
import { problemCard } from '../../views/notice-view';
import { riskNoticeCard } from '../../views/risk-notice-view';
import { checkCard, PROBLEM_TEXT } from '../card-check';
import { type CardExtras, currentCard } from '../current-card';
import type { BotDeps } from '../deps';
import { DraftConflictError, type Loaded } from '../draft-store';
import type { Envelope } from '../submission';
import { referrerOf, replyContact, sendCard, today } from '../turn';

/** Save / Next / Back / Edit on a section or review card. */
export async function onStep(
  context: TurnContext,
  deps: BotDeps,
  e: Envelope,
  inputs: Record<string, unknown>,
) {
  const { key } = referrerOf(context);
  const loaded = await deps.drafts.load(key);
  const check = await checkCard(deps.drafts, key, loaded, e);
  if (!check.ok) return answerProblem(context, deps, loaded, check.problem, check.reference);
  const draft = check.draft;
  const now = deps.now();

  if (e.verb === 'call.back') {
    // Back carries the card's inputs: what was typed is kept in the draft, valid or not, unsaved
    return commit(context, deps, loaded, goBack(keepTypedOnBack(draft, deps.profile, inputs), now));
  }
  if (e.verb === 'call.edit') {
    // Edit names a section (the review lists sections): its card is the one that asks it
    const section = sectionsOf(draft, deps.profile).find((s) => s.id === inputs.target);
    const target = section && pageOfSection(draft.kind, section.id);
    if (draft.at !== 'review' || !target) return answerProblem(context, deps, loaded, 'stale');
    return commit(context, deps, loaded, goTo(draft, target.id, now));
  }

  // call.save: the card on screen is the one in the envelope (checkCard made sure)
  const page = pageAt(draft);
  if (!page) return answerProblem(context, deps, loaded, 'stale');
  const allPrompts = phonePrompts(draft.answers);
  const raw = withConfirmedDetails(draft, page, inputs);
  const ctx = {
    today: today(now, deps.profile),
    prompts: pageOf(allPrompts, draft.page ?? 0),
    answers: draft.answers,
    kind: draft.kind,
    profile: deps.profile,
  };
  const result = validatePage(page, raw, ctx);
  const move = e.move === 'next' ? 'next' : 'stay';
  // a follow-up an answer calls for ("if other, your role") is asked before moving on, not as an error
  const shown = new Set(askedInputs(page, draft.typed?.[page.id] ?? {}, ctx));
  const followUps = askedInputs(page, raw, ctx).filter((id) => !shown.has(id));
  if (!result.ok) {
    // kept as typed, never as saved answers: Save always saves, Next checks
    deps.logger.info({ event: 'validation-failed', section: page.id, fields: Object.keys(result.errors) });
    const kept = reissue(keepTyped(draft, page.id, result.values), now);
    const n = Object.keys(result.errors).length;
    const onlyFollowUps = Object.keys(result.errors).every((id) => followUps.includes(id));
    const extras: CardExtras =
      move === 'stay'
        ? { notice: `Saved — ${n} ${n === 1 ? 'answer' : 'answers'} still needed before Next.` }
        : onlyFollowUps
          ? { typed: result.values, notice: followUpNotice(followUps.length) }
          : { typed: result.values, errors: result.errors };
    // possible harm typed on a risk card with other answers still missing is acted on now, as a
    // complete save would be (HAZ-01, HAZ-02): the rest of the screening can wait, the alert cannot
    const harmTyped =
      page.id === 'risk' ? withTypedHarm(draft.answers, sectionInputs(result.values, 'risk')) : undefined;
    if (harmTyped && possibleHarmFlagged(harmTyped)) {
      return commitRiskSave(context, deps, loaded, kept, { ...kept, answers: harmTyped }, extras, now);
    }
    return commit(context, deps, loaded, kept, extras);
  }
  const stay = move === 'stay' || followUps.length > 0;
  const next =
    page.id === 'pickUpThePhone'
      ? savePhonePage(
          withoutTypedKeys(
            draft,
            Object.keys(sectionInputs(raw, 'pickUpThePhone')).map((k) => `pickUpThePhone.${k}`),
          ),
          { ...(draft.answers.pickUpThePhone ?? {}), ...(result.answers.pickUpThePhone ?? {}) },
          stay ? 'stay' : 'next',
          pageCount(allPrompts.length),
          now,
        )
      : savePage(draft, page.id, result.answers, stay ? 'stay' : 'next', now);
  // saving consent as "no" or "not yet asked": the reply says sharing a concern does not wait on it (HAZ-12)
  const sharing = page.parts.some((p) => p.section === 'consent') && needsSharingStatement(next.answers);
  const extras: CardExtras = {
    ...(move === 'stay' ? { notice: 'Saved.' } : {}),
    ...(move === 'next' && followUps.length > 0 ? { notice: followUpNotice(followUps.length) } : {}),
    ...(sharing ? { sharing } : {}),
  };
  if (page.id !== 'risk') return commit(context, deps, loaded, next, extras);
  return commitRiskSave(context, deps, loaded, next, next, extras, now);
}

function followUpNotice(n: number): string {
  return n === 1
    ? 'One more question, because of your answers: it is below.'
    : `${n} more questions, because of your answers: they are below.`;
}

/**
 * The referrer's details shown as one confirm-or-change line (issue 9) are hidden inputs: a client that
 * does not send hidden inputs sends none of them, and the details on the line are what was confirmed.
 */
function withConfirmedDetails(
  draft: Draft,
  page: PageDef,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  if (!page.parts.some((p) => p.section === 'referrer')) return inputs;
  const known = { ...draft.prefill, ...draft.answers.referrer };
  const filled: Record<string, unknown> = { ...inputs };
  for (const [k, v] of Object.entries(known)) {
    if (typeof v === 'string' && filled[`referrer.${k}`] === undefined) filled[`referrer.${k}`] = v;
  }
  return filled;
}

/**
 * The risk section saved: with possible harm to the baby or a parent "yes" or "not known", the
 * safeguarding alert is queued in the same transaction as this save (HAZ-01), and this reply says what
 * to do now (HAZ-02) and where the alert is (HAZ-03), before the call goes on. `assessed` is the draft
 * as the alert and the notice read it: the stored draft, or with the harm answers typed on a card that
 * is not complete yet.
 */
function commitRiskSave(
  context: TurnContext,
  deps: BotDeps,
  loaded: Loaded,
  next: NonNullable<Loaded['state']['current']>,
  assessed: NonNullable<Loaded['state']['current']>,
  extras: CardExtras,
  now: Date,
): Promise<void> {
  const who = referrerOf(context);
  const contact = replyContact(context);
  const { profile } = deps;
  const queries = deps.draftAlerts.queries;
  return commit(
    context,
    deps,
    loaded,
    next,
    extras,
    (function* () {
      const outcome = yield* queries.onRiskSaved(assessed, who, contact, now);
      const alert = outcome.alert;
      const riskNotice = riskNoticeCard(assessed.answers, profile, {
        leadsAlerted: alert !== undefined,
        alert: alert && {
          status: outcome.leads ?? 'being-alerted',
          reference: alert.reference,
          deliveredAt: outcome.deliveredAt,
        },
      });
      const withdrawn =
        outcome.note === 'risk-withdrawn'
          ? 'The safeguarding leads were already alerted about this call: I have told them your answers changed. The alert stays with them to decide.'
          : undefined;
      return {
        extras: {
          ...(riskNotice ? { before: [riskNotice] } : {}),
          ...(withdrawn ? { notice: [extras.notice, withdrawn].filter(Boolean).join(' ') } : {}),
        },
        wake: outcome.raised || outcome.note !== undefined,
        log: alert && {
          event: outcome.raised ? 'draft-alert-raised' : 'draft-alert-checked',
          draft: next.id,
          alert: alert.id,
          ...(outcome.note ? { note: outcome.note } : {}),
        },
      };
    })(),
  );
}

/** A pick-up-the-phone page saved valid: its typed copy goes, the other pages' stays. */
function withoutTypedKeys(draft: Draft, keys: readonly string[]): Draft {
  const typed = draft.typed?.pickUpThePhone;
  if (!typed) return draft;
  const rest = Object.fromEntries(Object.entries(typed).filter(([k]) => !keys.includes(k)));
  if (Object.keys(rest).length === 0) return withoutTyped(draft, 'pickUpThePhone');
  return { ...draft, typed: { ...draft.typed, pickUpThePhone: rest } };
}

/**
 * Work stored in the same transaction as a draft save (DraftStore.saveWith), and what it adds to the
 * reply: the safeguarding alert a risk save raises, or a discard's note to the leads.
 */
export interface AlongsideResult {
  readonly extras?: CardExtras;
  /** Something was queued for the delivery worker. */
  readonly wake?: boolean;
  /** Ids and outcomes only. */
  readonly log?: Record<string, unknown> | undefined;
}
export type AlongsideSave = Query<AlongsideResult>;

/** Stores the draft first, then sends its card: a card never shows a step that was not saved. */
export async function commit(
  context: TurnContext,
  deps: BotDeps,
  loaded: Loaded,
  draft: NonNullable<Loaded['state']['current']>,
  extras: CardExtras = {},
  alongside?: AlongsideSave,
): Promise<void> {
  let more: AlongsideResult = {};
  try {
    const key = referrerOf(context).key;
    const state = { ...loaded.state, current: draft };
    // what was queued alongside (an alert raised, a note to the leads) is on disk before the reply; a
    // save that queued nothing is a step
    if (alongside)
      more = await deps.drafts.saveWith(
        key,
        loaded,
        state,
        alongside,
        undefined,
        (r) => r.wake === true || r.log !== undefined,
      );
    // a step of the call: the record, any alert and any deletion are written to wait for the disk
    else await deps.drafts.saveStep(key, loaded, state);
  } catch (err) {
    if (!(err instanceof DraftConflictError)) throw err;
    deps.logger.warn({ event: 'draft-conflict' });
    const fresh = await deps.drafts.load(referrerOf(context).key);
    await sendCard(
      context,
      problemCard('Your draft changed at the same moment', [
        'Another action on this call was saved just before yours, so yours was not applied. Nothing saved has been lost.',
      ]),
    );
    if (fresh.state.current) await sendCurrent(context, deps, fresh);
    return;
  }
  deps.logger.info({ event: 'draft-saved', draft: draft.id, at: draft.at, step: draft.step });
  if (more.log) deps.logger.info(more.log);
  if (more.wake) deps.wakeDelivery();
  const all: CardExtras = {
    ...extras,
    ...more.extras,
    before: [...(extras.before ?? []), ...(more.extras?.before ?? [])],
  };
  for (const card of all.before ?? []) await sendCard(context, card);
  await sendCard(context, currentCard(draft, deps, all));
}

/** Re-sends the card for where the draft is, under a new step so older copies stop working. */
export async function sendCurrent(
  context: TurnContext,
  deps: BotDeps,
  loaded: Loaded,
  extras: CardExtras = {},
) {
  const draft = loaded.state.current;
  if (!draft) return;
  await commit(context, deps, loaded, reissue(draft, deps.now()), extras);
}

export async function answerProblem(
  context: TurnContext,
  deps: BotDeps,
  loaded: Loaded,
  problem: keyof typeof PROBLEM_TEXT,
  reference?: string,
): Promise<void> {
  deps.logger.info({ event: 'card-refused', problem });
  const lines = [PROBLEM_TEXT[problem]];
  if (reference) lines.push(`Its reference is ${reference}.`);
  const current = loaded.state.current;
  if (!current) {
    await sendCard(context, problemCard('Nothing changed', lines, [buttons.start, buttons.advice]));
    return;
  }
  await sendCard(context, problemCard('Nothing changed', lines));
  await sendCurrent(context, deps, loaded);
}
