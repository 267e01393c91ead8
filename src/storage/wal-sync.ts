import fs from 'node:fs';

/** What WalSync syncs: the WAL file (KeptWal), or a stand-in that tests pace. */
export interface WalFile {
  /** Resolves once everything written to the file before the call is on disk. */
  sync(): Promise<void>;
  /** Releases what the file holds open. */
  close(): void;
}

/**
 * Makes what has been committed to a SQLite file in WAL mode durable, without holding the event loop:
 * the commits themselves do not wait for the disk (withoutWaitingForDisk), and whoever must not go on
 * before they are on disk (a Submit, before it tells the referrer their call is recorded) awaits
 * flush(), which syncs the WAL file in libuv's thread pool. A commit waiting for the disk instead held
 * the event loop, every referrer's turn with it, for 150 µs on this machine and up to milliseconds under
 * load.
 *
 * Callers in the same tick share one sync; callers arriving while a sync is under way wait for the next
 * one (theirs may have been written after it began), and all of them share it. The WAL's frames are in
 * the page cache once the commit returns, and fdatasync on any descriptor of the file writes them out;
 * frames the checkpointer has already copied into the database were synced there by the checkpoint
 * itself. Two syncs at once were tried and measured no faster: the disk does them one after the other.
 */
export class WalSync {
  private running = false;
  private scheduled = false;
  private waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(private readonly file: WalFile | undefined) {}

  /** The database's own file: its WAL beside it; none for an in-memory database. */
  static of(databaseFile: string): WalSync {
    return new WalSync(databaseFile === ':memory:' ? undefined : new KeptWal(`${databaseFile}-wal`));
  }

  /** Resolves once everything committed before the call is on disk. */
  flush(): Promise<void> {
    if (this.file === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Releases the WAL's descriptor (when its database closes); a later flush opens it again. */
  close(): void {
    this.file?.close();
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
    if (this.running || this.waiting.length === 0 || this.file === undefined) return;
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    this.file
      .sync()
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

/** Closes a kept descriptor whose WalSync was dropped without close() (a database closed directly). */
const forgotten = new FinalizationRegistry<{ fd: number | undefined }>((held) => {
  if (held.fd !== undefined) fs.close(held.fd, () => undefined);
});

/**
 * A WAL file synced through one descriptor, opened at the first sync and kept. Opening, syncing and
 * closing it for every sync were three trips through the thread pool, each waiting its turn on a busy
 * event loop: under load a Submit waited 24 ms for its sync at 10 conversations (p50), 15 ms with the
 * descriptor kept (issue 10).
 *
 * While its database is open SQLite never removes the WAL (only the last connection to close does), so
 * the descriptor stays on the file the commits go to. Checked before every sync all the same (fstat, a
 * few microseconds on the event loop): a descriptor on a file no longer linked would sync nothing
 * anybody reads, so it is dropped and the file opened again by name.
 */
export class KeptWal implements WalFile {
  private readonly held: { fd: number | undefined } = { fd: undefined };

  constructor(private readonly path: string) {
    forgotten.register(this, this.held);
  }

  async sync(): Promise<void> {
    const fd = await this.descriptor();
    // no WAL: everything was checkpointed into the database, and synced there, and the log removed
    if (fd === undefined) return;
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    const fd = this.held.fd;
    this.held.fd = undefined;
    if (fd !== undefined) fs.closeSync(fd);
  }

  private async descriptor(): Promise<number | undefined> {
    const kept = this.held.fd;
    if (kept !== undefined) {
      if (fs.fstatSync(kept).nlink > 0) return kept;
      this.held.fd = undefined;
      fs.closeSync(kept);
    }
    let fd: number;
    try {
      fd = await new Promise<number>((resolve, reject) =>
        fs.open(this.path, 'r', (err, opened) => (err ? reject(err) : resolve(opened))),
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    this.held.fd = fd;
    return fd;
  }
}
