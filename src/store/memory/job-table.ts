import { EventEmitter } from 'node:events';
import { isTerminal, type JobRecord } from '../../job.js';

interface Entry {
  record: JobRecord;
  expiresAt: number;
  /** When the job last changed: what the sweep for lost jobs reads. */
  changedAt: number;
}

/**
 * The memory backend's jobs, shared by its stores: job records write them, document pages check and advance them,
 * the sweep reads them. Jobs expire lazily, `ttlMs` after their last change.
 */
export function createJobTable({ ttlMs, now }: { ttlMs: number; now: () => number }) {
  const entries = new Map<string, Entry>();
  const events = new EventEmitter();
  events.setMaxListeners(0);

  const read = (id: string): JobRecord | undefined => {
    const entry = entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(id);
      return undefined;
    }
    return entry.record;
  };

  return {
    now,
    /** The job, unexpired; the table's own object, never to be handed out (see `copy`). */
    read,
    /** The job unexpired and unfinished, or undefined. */
    readOpen(id: string): JobRecord | undefined {
      const record = read(id);
      return record && !isTerminal(record.status) ? record : undefined;
    },
    /** Stores a job's new state, renewing its expiry; a finished job wakes whoever waits for it. */
    write(record: JobRecord): void {
      entries.set(record.id, { record, expiresAt: now() + ttlMs, changedAt: now() });
      if (isTerminal(record.status)) events.emit(`finished:${record.id}`, record);
    },
    /** Removes a job and tells whatever else keeps things of it; false when there was none. */
    remove(id: string): boolean {
      const existed = read(id) !== undefined;
      entries.delete(id);
      events.emit('removed', id);
      return existed;
    },
    /** Calls `listener` once when the job finishes; answers a function that stops listening. */
    onceFinished(id: string, listener: (record: JobRecord) => void): () => void {
      events.once(`finished:${id}`, listener);
      return () => events.off(`finished:${id}`, listener);
    },
    /** Calls `listener` with the id of every job removed. */
    onRemoved(listener: (id: string) => void): void {
      events.on('removed', listener);
    },
    /** Unfinished, unexpired jobs unchanged since `before`, oldest change first. */
    unchangedSince(before: number): JobRecord[] {
      return [...entries.values()]
        .filter(({ record, changedAt }) => !isTerminal(record.status) && changedAt <= before && read(record.id))
        .sort((a, b) => a.changedAt - b.changedAt)
        .map(({ record }) => record);
    },
    clear(): void {
      entries.clear();
      events.removeAllListeners();
    },
  };
}

export type JobTable = ReturnType<typeof createJobTable>;

/** A copy of a record, so no caller can change the table's own. */
export const copy = (record: JobRecord | undefined): JobRecord | undefined => (record ? structuredClone(record) : undefined);
