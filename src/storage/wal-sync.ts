import fs from 'node:fs/promises';

/**
 * Makes what has been committed to a SQLite file in WAL mode durable, without holding the event loop:
 * the commits themselves do not wait for the disk (withoutWaitingForDisk), and whoever must not go on
 * before they are on disk (a Submit, before it tells the referrer their call is recorded) awaits
 * flush(), which syncs the WAL file in libuv's thread pool. A commit waiting for the disk instead held
 * the event loop, every referrer's turn with it, for 150 µs on this machine and up to milliseconds under
 * load.
 *
 * Callers in the same tick share one sync; callers arriving while a sync is under way wait for the next
 * one (theirs may have been written after it began), and all of them share it. The WAL's frames are in the page cache once the commit returns, and
 * fdatasync on any descriptor of the file writes them out; frames the checkpointer has already copied
 * into the database were synced there by the checkpoint itself.
 */
export class WalSync {
  private running = false;
  private scheduled = false;
  private waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly walFile: string | undefined,
    /** The sync itself (tests count and pace it). */
    private readonly sync: (file: string) => Promise<void> = syncFile,
  ) {}

  /** The database's own file: its WAL beside it; none for an in-memory database. */
  static of(databaseFile: string): WalSync {
    return new WalSync(databaseFile === ':memory:' ? undefined : `${databaseFile}-wal`);
  }

  /** Resolves once everything committed before the call is on disk. */
  flush(): Promise<void> {
    if (this.walFile === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    if (this.running || this.waiting.length === 0 || this.walFile === undefined) return;
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    this.sync(this.walFile)
      .then(
        () => {
          for (const w of batch) w.resolve();
        },
        (err: unknown) => {
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        this.running = false;
        this.schedule();
      });
  }
}

async function syncFile(file: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    // no WAL: everything was checkpointed into the database, and synced there, and the log removed
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
