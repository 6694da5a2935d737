import { describe, expect, it } from 'vitest';
import { storesOf, type StoreBackend } from './backends.js';

/** One specification of ArchiveOutbox, run against every backend. */
export function describeArchiveOutboxContract(backend: StoreBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`ArchiveOutbox contract: ${backend.name}`, () => {
    const open = storesOf(backend);

    it('keeps the archive outbox oldest first, each task once, until removed', async () => {
      const { outbox } = await open();
      for (const id of ['a', 'b', 'a', 'c']) await outbox.add(id);
      expect(await outbox.list(2)).toEqual(['a', 'b']);
      expect(await outbox.list(10)).toEqual(['a', 'b', 'c']);
      await outbox.remove(['a', 'b']);
      expect(await outbox.list(10)).toEqual(['c']);
      await outbox.remove([]);
      expect(await outbox.list(10)).toEqual(['c']);
    });
  });
}
