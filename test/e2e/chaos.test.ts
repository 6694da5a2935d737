import { describe, expect, it } from 'vitest';
import { runChaos } from '../helpers/chaos.js';
import { missingServers } from '../helpers/servers.js';

const missing = await missingServers('redis', 'rabbitmq');

describe.skipIf(missing)('chaos: workers killed with SIGKILL and the broker cut off while uploads pour in', () => {
  it('loses nothing and completes nothing twice', { timeout: 300_000 }, async () => {
    const figures = await runChaos({
      uploads: 100,
      workers: 3,
      killEveryMs: 2500,
      outages: [{ dependency: 'rabbitmq', how: 'proxy', atUpload: 50, durationMs: 3_000 }],
      uploadConcurrency: 6,
      settleTimeoutMs: 180_000,
    });
    expect(figures.accepted).toBe(100);
    expect(figures.workersKilled).toBeGreaterThanOrEqual(2);
    expect(figures.refusedWhileDown).toBeGreaterThan(0);
    expect(figures).toMatchObject({ lost: 0, duplicated: 0, wrongText: 0 });
    expect(figures.completed + figures.failed).toBe(100);
  });
});
