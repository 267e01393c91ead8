import type { Storage } from 'botbuilder';
import type { SectionAnswers } from '../domain/answers';
import type { Draft } from '../domain/draft';

/** How a draft ended, kept so a card from it can be answered plainly rather than as an error. */
export interface ClosedDraft {
  readonly id: string;
  readonly status: 'submitted' | 'cancelled';
  readonly reference?: string;
  readonly at: string;
}

export interface ReferrerState {
  readonly current: Draft | null;
  readonly closed: readonly ClosedDraft[];
  /** The referrer section of their last submitted call, offered again next time. */
  readonly lastReferrer?: SectionAnswers | undefined;
}

export interface Loaded {
  readonly state: ReferrerState;
  /** The storage eTag read with it; writing with it fails if someone else wrote in between. */
  readonly eTag: string | undefined;
}

export class DraftConflictError extends Error {
  constructor() {
    super('The draft was changed by another request');
    this.name = 'DraftConflictError';
  }
}

const KEEP_CLOSED = 20;
const CREATE_ONLY = 'create-only:never-issued';

/**
 * A referrer's draft, kept apart from Teams AI's turn state so that it is saved, with an eTag check,
 * before the next card is sent: a card never points at a step that was not stored.
 */
export class DraftStore {
  constructor(private readonly storage: Storage) {}

  static key(tenantId: string, userId: string): string {
    return `duty-call/${tenantId}/${userId}`;
  }

  async load(key: string): Promise<Loaded> {
    const items = await this.storage.read([key]);
    const item = items[key] as (ReferrerState & { eTag?: string }) | undefined;
    if (!item) return { state: { current: null, closed: [] }, eTag: undefined };
    const { eTag, ...state } = item;
    return {
      state: { current: state.current ?? null, closed: state.closed ?? [], lastReferrer: state.lastReferrer },
      eTag,
    };
  }

  /** Deletes everything kept for this referrer (their draft, closed calls and remembered profile). */
  async forget(key: string): Promise<void> {
    await this.storage.delete([key]);
  }

  /** Writes only if nobody has written since `loaded` was read. */
  async save(key: string, loaded: Loaded, next: ReferrerState): Promise<void> {
    const closed = next.closed.slice(-KEEP_CLOSED);
    // A first save must not replace a draft another request created meanwhile. Storage creates a missing
    // key whatever eTag is given but refuses a mismatch on an existing one: an eTag that no store ever
    // issues therefore means "create only".
    const value = { ...next, closed, eTag: loaded.eTag ?? CREATE_ONLY };
    try {
      await this.storage.write({ [key]: value });
    } catch (err) {
      if (err instanceof Error && /eTag conflict/.test(err.message)) throw new DraftConflictError();
      throw err;
    }
  }
}
