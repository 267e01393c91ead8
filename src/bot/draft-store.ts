import type { Storage, StoreItems } from 'botbuilder';
import type { SectionAnswers } from '../domain/answers';
import { type ClosedDraft, type Draft, normaliseDraft } from '../domain/draft';
import type { Query, SqlStore } from '../storage/sql';

export interface ReferrerState {
  readonly current: Draft | null;
  /** The referrer section of their last submitted call, offered again next time. */
  readonly lastReferrer?: SectionAnswers | undefined;
}

export interface Loaded {
  readonly state: ReferrerState;
  /** The storage eTag read with it; writing with it fails if someone else wrote in between. */
  readonly eTag: string | undefined;
  /**
   * The recent calls as a build before issue 10 kept them, inside the referrer's row. The next save
   * moves them to their own row.
   */
  readonly legacyClosed?: readonly ClosedDraft[];
}

/** A call that ends with this save goes on the list of recent calls; "forget me" clears the list. */
export type ClosedChange = { readonly add: ClosedDraft } | 'clear';

export class DraftConflictError extends Error {
  constructor() {
    super('The draft was changed by another request');
    this.name = 'DraftConflictError';
  }
}

const KEEP_CLOSED = 20;
const CREATE_ONLY = 'create-only:never-issued';

/** A store that can write a draft and a query of the records in one transaction (SqliteStorage, StateStorage). */
export interface WritesTogether {
  writeTogether<T>(changes: StoreItems, alongside: Query<T>, durable?: (result: T) => boolean): Promise<T>;
  /** A write that need not wait for the disk: a step of a draft (SqliteStorage.writeSoon). */
  writeSoon?(changes: StoreItems): Promise<void>;
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
  /** `sql`: where the records are, for what is saved alongside a draft in an external store. */
  constructor(
    private readonly storage: Storage,
    private readonly sql: SqlStore,
    private readonly together?: WritesTogether,
  ) {}

  static key(tenantId: string, userId: string): string {
    return `duty-call/${tenantId}/${userId}`;
  }

  /**
   * Where a referrer's recent calls are kept: apart from the draft, which every card turn reads and
   * writes, so that a turn does not carry twenty finished calls with it (issue 10: with them the row
   * overflowed its page, and each save rewrote three or four pages instead of one). Read only when a card
   * does not belong to the call in progress, and by "status".
   */
  static closedKey(key: string): string {
    return `${key}/closed`;
  }

  async load(key: string): Promise<Loaded> {
    const items = await this.storage.read([key]);
    const item = items[key] as
      | (ReferrerState & { eTag?: string; closed?: readonly ClosedDraft[] })
      | undefined;
    if (!item) return { state: { current: null }, eTag: undefined };
    const { eTag, closed, ...state } = item;
    return {
      state: {
        current: state.current ? normaliseDraft(state.current) : null,
        lastReferrer: state.lastReferrer,
      },
      eTag,
      ...(closed ? { legacyClosed: closed } : {}),
    };
  }

  /** The referrer's recent calls, oldest first: submitted or cancelled, with their references. */
  async closedCalls(key: string, loaded: Loaded): Promise<readonly ClosedDraft[]> {
    if (loaded.legacyClosed) return loaded.legacyClosed;
    const closedKey = DraftStore.closedKey(key);
    const items = await this.storage.read([closedKey]);
    return (items[closedKey] as { closed?: readonly ClosedDraft[] } | undefined)?.closed ?? [];
  }

  /** Deletes everything kept for this referrer (their draft, closed calls and remembered profile). */
  async forget(key: string): Promise<void> {
    await this.storage.delete([key, DraftStore.closedKey(key)]);
  }

  /**
   * Writes only if nobody has written since `loaded` was read. With `closed`, the list of recent calls
   * changes in the same write: the referrer's row and the list are stored together or not at all (one
   * transaction in SQLite and PostgreSQL), and the row's eTag guards both.
   *
   * `soon`: in the bot's own SQLite database, committed without waiting for the disk
   * (SqliteStorage.writeSoon): a power cut can set the draft a step back. For a step of the call in
   * progress, and for clearing a draft once its call is recorded (lost, the draft comes back and its
   * Submit answers that the call was already submitted). Never for anything else: "forget me", a discard
   * and a clear wait for the disk.
   */
  async save(
    key: string,
    loaded: Loaded,
    next: ReferrerState,
    closed?: ClosedChange,
    durability: 'waits' | 'soon' = 'waits',
  ): Promise<void> {
    const items = await this.items(key, loaded, next, closed);
    const soon = durability === 'soon' ? this.together?.writeSoon : undefined;
    await this.conflictsAsDraftConflict(() =>
      soon ? soon.call(this.together, items) : this.storage.write(items),
    );
  }

  /** save() for a step of the call in progress (Save, Next, Back, Edit, a card sent again). */
  async saveStep(key: string, loaded: Loaded, next: ReferrerState): Promise<void> {
    await this.save(key, loaded, next, undefined, 'soon');
  }

  /**
   * save(), with `alongside` (e.g. queueing a safeguarding alert) in the same transaction when the drafts
   * are in the records' own database: the draft that flags a risk is never stored without its alert, nor
   * the alert without the draft. Drafts in an external store (HostOptions.draftStorage) cannot share a
   * transaction with the outbox: there `alongside` runs right after a successful save, and if it fails
   * the error reaches the turn (the referrer is told it did not work) and the next save tries again.
   */
  async saveWith<T>(
    key: string,
    loaded: Loaded,
    next: ReferrerState,
    alongside: Query<T>,
    closed?: ClosedChange,
    /**
     * Whether what `alongside` did must be on disk before the turn goes on (default: always). A risk
     * save that raised or changed nothing is a step like any other (DraftStore.saveStep).
     */
    durable?: (result: T) => boolean,
  ): Promise<T> {
    const items = await this.items(key, loaded, next, closed);
    const together = this.together;
    if (together)
      return this.conflictsAsDraftConflict(() => together.writeTogether(items, alongside, durable));
    await this.conflictsAsDraftConflict(() => this.storage.write(items));
    return this.sql.transact(alongside);
  }

  private async items(
    key: string,
    loaded: Loaded,
    next: ReferrerState,
    change: ClosedChange | undefined,
  ): Promise<StoreItems> {
    // A first save must not replace a draft another request created meanwhile. Storage creates a missing
    // key whatever eTag is given but refuses a mismatch on an existing one: an eTag that no store ever
    // issues therefore means "create only".
    const items: StoreItems = {
      [key]: { current: next.current, lastReferrer: next.lastReferrer, eTag: loaded.eTag ?? CREATE_ONLY },
    };
    if (change === undefined && !loaded.legacyClosed) return items;
    // the list is read before the write, outside its transaction: the referrer's row, written in the same
    // transaction under the eTag read with `loaded`, makes the write fail if anyone changed either since
    const before = change === 'clear' ? [] : await this.closedCalls(key, loaded);
    const closed = typeof change === 'object' ? [...before, change.add] : before;
    items[DraftStore.closedKey(key)] = { closed: closed.slice(-KEEP_CLOSED), eTag: '*' };
    return items;
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
