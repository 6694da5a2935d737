import { describe, expect, it } from 'vitest';
import { describeArchiveOutboxContract } from './archive-outbox.contract.js';
import { backends, storesOf } from './backends.js';
import { describePageAccountingContract } from './page-accounting.contract.js';
import { describeIdempotencyKeysContract } from './idempotency-keys.contract.js';
import { describeIdleJobsContract } from './idle-jobs.contract.js';
import { describeJobRecordsContract } from './job-records.contract.js';

for (const backend of backends) {
  describeJobRecordsContract(backend);
  describeIdleJobsContract(backend);
  describeIdempotencyKeysContract(backend);
  describeArchiveOutboxContract(backend);
  describePageAccountingContract(backend);

  describe.skipIf(backend.skipReason !== undefined)(`Stores: ${backend.name}`, () => {
    const open = storesOf(backend);

    it('reports itself reachable', async () => {
      const stores = await open();
      await expect(stores.ping()).resolves.toBeUndefined();
    });
  });
}
