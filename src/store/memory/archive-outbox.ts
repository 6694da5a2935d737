import type { ArchiveOutbox } from '../archive-outbox.js';

/** The archive outbox of one process; it ends with the process, as the memory backend's jobs do. */
export function createMemoryArchiveOutbox(): ArchiveOutbox {
  // Insertion order is the outbox's order; a Set also keeps a task added twice (a redelivery) in it once.
  const ids = new Set<string>();
  return {
    async add(id) {
      ids.add(id);
    },
    async list(limit) {
      return [...ids].slice(0, limit);
    },
    async remove(removed) {
      for (const id of removed) ids.delete(id);
    },
  };
}
