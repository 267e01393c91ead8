import type { Storage, StoreItems } from 'botbuilder';
import type { SectionAnswers } from '../domain/answers';
import { type ClosedDraft, type Draft, normaliseDraft } from '../domain/draft';

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

/** A store that can write a draft and run something else in one transaction (SqliteStorage). */
export interface WritesTogether {
  writeTogether<T>(changes: StoreItems, alongside: () => T): Promise<T>;
}

/**
 * A referrer's draft, kept apart from Teams AI's turn state so that it is saved, with an eTag check,
 * before the next card is sent: a card never points at a step that was not stored.
 */
export class DraftStore {
  /**
   * `together` is given only when it is the same store as `storage` and shares its database with what
   * `saveWith` runs alongside (the outbox): app-host passes its SqliteStorage, and nothing for an
   * external store.
   */
  constructor(
    private readonly storage: Storage,
    private readonly together?: WritesTogether,
  ) {}

  static key(tenantId: string, userId: string): string {
    return `duty-call/${tenantId}/${userId}`;
  }

  async load(key: string): Promise<Loaded> {
    const items = await this.storage.read([key]);
    const item = items[key] as (ReferrerState & { eTag?: string }) | undefined;
    if (!item) return { state: { current: null, closed: [] }, eTag: undefined };
    const { eTag, ...state } = item;
    return {
      state: {
        current: state.current ? normaliseDraft(state.current) : null,
        closed: state.closed ?? [],
        lastReferrer: state.lastReferrer,
      },
      eTag,
    };
  }

  /** Deletes everything kept for this referrer (their draft, closed calls and remembered profile). */
  async forget(key: string): Promise<void> {
    await this.storage.delete([key]);
  }

  /** Writes only if nobody has written since `loaded` was read. */
  async save(key: string, loaded: Loaded, next: ReferrerState): Promise<void> {
    await this.conflictsAsDraftConflict(() => this.storage.write(this.item(key, loaded, next)));
  }

  /**
   * save(), with `alongside` (e.g. queueing a safeguarding alert) in the same SQLite transaction when the
   * drafts are in the bot's own database: the draft that flags a risk is never stored without its alert,
   * nor the alert without the draft. Drafts in an external store (HostOptions.draftStorage) cannot share
   * a transaction with the outbox: there `alongside` runs right after a successful save, and if it fails
   * the error reaches the turn (the referrer is told it did not work) and the next save tries again.
   */
  async saveWith<T>(key: string, loaded: Loaded, next: ReferrerState, alongside: () => T): Promise<T> {
    const item = this.item(key, loaded, next);
    const together = this.together;
    if (together) return this.conflictsAsDraftConflict(() => together.writeTogether(item, alongside));
    await this.conflictsAsDraftConflict(() => this.storage.write(item));
    return alongside();
  }

  private item(key: string, loaded: Loaded, next: ReferrerState): StoreItems {
    const closed = next.closed.slice(-KEEP_CLOSED);
    // A first save must not replace a draft another request created meanwhile. Storage creates a missing
    // key whatever eTag is given but refuses a mismatch on an existing one: an eTag that no store ever
    // issues therefore means "create only".
    return { [key]: { ...next, closed, eTag: loaded.eTag ?? CREATE_ONLY } };
  }

  private async conflictsAsDraftConflict<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof Error && /eTag conflict/.test(err.message)) throw new DraftConflictError();
      throw err;
    }
  }
}
