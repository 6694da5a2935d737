/**
 * The completed tasks still to be written to the archive. Kept in the store, not in a worker's memory, so a text
 * waits out an archive outage and a worker restart.
 */
export interface ArchiveOutbox {
  /** Adds a task; a task added twice (a redelivery) is listed once. */
  add(id: string): Promise<void>;
  /** Up to `limit` task ids, oldest first; they stay in the outbox until removed. */
  list(limit: number): Promise<string[]>;
  /** Removes tasks once they are archived (or found to have nothing to archive). */
  remove(ids: string[]): Promise<void>;
}
