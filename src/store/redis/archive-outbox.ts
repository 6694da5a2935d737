import type { ArchiveOutbox } from '../archive-outbox.js';
import type { StoreContext } from './context.js';

/** The archive outbox on Redis: one list, shared by every worker, so any worker drains any worker's entries. */
export function createRedisArchiveOutbox({ client, keys, call }: StoreContext): ArchiveOutbox {
  const key = keys.archiveOutbox;
  return {
    async add(id) {
      await call(() => client.lpush(key, id));
    },
    async list(limit) {
      const ids = await call(() => client.lrange(key, -limit, -1));
      return [...new Set(ids.reverse())];
    },
    async remove(ids) {
      if (ids.length === 0) return;
      const removals = client.multi();
      for (const id of ids) removals.lrem(key, 0, id);
      await call(() => removals.exec());
    },
  };
}
