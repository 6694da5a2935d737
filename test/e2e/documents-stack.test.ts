import { afterAll, describe, expect, it } from 'vitest';
import { upload, waitForResult } from '../helpers/client.js';
import { expectPagesRead, readDoc } from '../helpers/documents.js';
import { eventually } from '../helpers/eventually.js';
import { missingServers } from '../helpers/servers.js';
import { logRecords, startService, type RunningService } from '../helpers/service.js';
import { startStack, type Stack } from '../helpers/stack.js';

const PDF = { filename: 'scan3.pdf', contentType: 'application/pdf' };

/** The log lines with this message about this task, from each of the processes. */
const linesOf = (processes: RunningService[], taskId: string, message: string) =>
  processes.map((service) => logRecords(service.logs()).filter((record) => record.task_id === taskId && record.msg === message));

const missing = await missingServers('redis', 'rabbitmq');

describe.skipIf(missing)('documents on the distributed stack: one API, two worker processes with one OCR slot each', () => {
  // One stack per transport, started by the first test on it: the worker killed last is replaced by a fresh one.
  const stacks = new Map<'rabbitmq' | 'bullmq', Promise<Stack>>();
  const stackOn = (queue: 'rabbitmq' | 'bullmq') => {
    if (!stacks.has(queue)) stacks.set(queue, startStack({ queue }));
    return stacks.get(queue)!;
  };

  afterAll(async () => {
    await Promise.all([...stacks.values()].map(async (stack) => (await stack).stop()));
  });

  it.each(['rabbitmq', 'bullmq'] as const)(
    'on %s, both workers read pages of the same document, and it completes once',
    { timeout: 240_000 },
    async (queue) => {
      const stack = await stackOn(queue);
      const accepted = await upload(stack.api.url, readDoc('scan3.pdf'), PDF);
      expect(accepted.status).toBe(202);
      const taskId = accepted.body.task_id as string;
      const body = await waitForResult(stack.api.url, taskId, 180_000);
      expect(body.status, JSON.stringify(body.error)).toBe('completed');
      expectPagesRead(body.result, 'scan3', [1, 2, 3], 0.02);

      // The workers' logs reach this process through pipes, which the result's answer may overtake.
      await eventually(() => linesOf(stack.workers, taskId, 'page read').flat().length >= 3, 'every page read in the worker logs');
      const pagesRead = linesOf(stack.workers, taskId, 'page read');
      expect(
        pagesRead
          .flat()
          .map((record) => record.page)
          .sort(),
      ).toEqual([1, 2, 3]);
      for (const [index, lines] of pagesRead.entries()) expect(lines.length, `pages read by worker ${index + 1}`).toBeGreaterThan(0);
      await eventually(() => linesOf(stack.workers, taskId, 'job completed').flat().length === 1, 'the completion in the worker logs');
    },
  );

  it('loses only the page a killed worker was reading: the document still completes, exactly once', { timeout: 240_000 }, async () => {
    const stack = await stackOn('rabbitmq');
    const { workers } = stack;
    const accepted = await upload(stack.api.url, readDoc('scan3.pdf'), PDF);
    const taskId = accepted.body.task_id as string;

    // The first worker seen reading a page dies in the middle of it, and a fresh one takes its place.
    let victim: RunningService | undefined;
    await eventually(
      () => {
        victim = workers.find((worker) => linesOf([worker], taskId, 'page started')[0]!.length > linesOf([worker], taskId, 'page read')[0]!.length);
        return victim !== undefined;
      },
      'a worker in the middle of a page',
      60_000,
    );
    await victim!.stop('SIGKILL');
    const replacement = await startService({ ...stack.env, MODE: 'worker' });
    const everyWorker = [...workers, replacement];
    try {
      const body = await waitForResult(stack.api.url, taskId, 180_000);
      expect(body.status, JSON.stringify(body.error)).toBe('completed');
      expectPagesRead(body.result, 'scan3', [1, 2, 3], 0.02);
      await eventually(() => linesOf(everyWorker, taskId, 'job completed').flat().length > 0, 'the completion in the worker logs');
      expect(linesOf(everyWorker, taskId, 'job completed').flat()).toHaveLength(1);
      // The page the killed worker was reading was read again by another; no page was recorded twice.
      const started = linesOf([victim!], taskId, 'page started')[0]!.map((record) => record.page);
      const readElsewhere = linesOf(
        everyWorker.filter((worker) => worker !== victim),
        taskId,
        'page read',
      ).flat();
      expect(readElsewhere.map((record) => record.page)).toEqual(expect.arrayContaining([started.at(-1)]));
    } finally {
      await replacement.stop();
    }
  });
});
