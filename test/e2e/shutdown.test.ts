import { describe, expect, it } from 'vitest';
import { upload, getResult } from '../helpers/client.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { logRecords, startService } from '../helpers/service.js';

describe('graceful shutdown', () => {
  it('finishes the job it is running on SIGTERM, then exits 0', async () => {
    const service = await startService({ OCR_CONCURRENCY: '1' });
    const page = Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a long page that takes a while to read.`).join('\n');
    const accepted = await upload(service.url, await renderTextImage(page));
    expect(accepted.status).toBe(202);
    const taskId = accepted.body.task_id as string;

    await eventually(async () => (await getResult(service.url, taskId)).body.status === 'processing', 'the job to start');
    expect(await service.stop('SIGTERM')).toBe(0);

    const records = logRecords(service.logs());
    const completedAt = records.findIndex((record) => record.task_id === taskId && record.msg === 'job completed');
    const shutdownAt = records.findIndex((record) => record.msg === 'shutdown complete');
    expect(completedAt).toBeGreaterThan(-1);
    expect(shutdownAt).toBeGreaterThan(completedAt);
  });
});
