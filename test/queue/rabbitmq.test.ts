import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobMessage } from '../../src/job.js';
import { BROKER_DELIVERY_LIMIT } from '../../src/queue/delivery-policy.js';
import type { Delivery, JobQueue } from '../../src/queue/job-queue.js';
import { createRabbitQueue, deleteTopology, topologyNames } from '../../src/queue/rabbitmq/index.js';
import { createRedisStores } from '../../src/store/redis/index.js';
import { makeJob } from './job-queue.contract.js';
import { eventually } from '../helpers/eventually.js';
import { consumeThenHang } from '../helpers/hanging-consumer.js';
import { freePort } from '../helpers/service.js';
import { AMQP_URL, deleteRedisKeys, missingServers, REDIS_URL, uniqueName } from '../helpers/servers.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/** How long an operation took, and how it ended. */
async function timed(operation: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await operation();
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe.skipIf(await missingServers('rabbitmq'))('the RabbitMQ queue', () => {
  let name: string;
  let proxy: TcpProxy;
  let proxiedUrl: string;
  const opened: JobQueue[] = [];
  const open = async (options: Partial<Parameters<typeof createRabbitQueue>[0]> = {}) => {
    const queue = await createRabbitQueue({
      urls: [AMQP_URL],
      name,
      maxAttempts: 3,
      retryBackoff: { initialMs: 100, maxMs: 400 },
      reconnectBackoff: { initialMs: 50, maxMs: 500 },
      ...options,
    });
    opened.push(queue);
    return queue;
  };

  beforeAll(async () => {
    proxy = await startTcpProxy(AMQP_URL);
    proxiedUrl = proxy.url;
  });
  afterAll(() => proxy.close());

  beforeEachName();
  function beforeEachName() {
    name = uniqueName('rabbit');
  }
  afterEach(async () => {
    await proxy.restore();
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    await deleteTopology(AMQP_URL, name);
    beforeEachName();
  });

  it('declares a durable work queue, retry queues that feed it, and a dead-letter queue holding exhausted jobs', async () => {
    const queue = await open({ maxAttempts: 1 });
    const job = makeJob();
    await queue.consume(
      async () => {
        throw new Error('always failing');
      },
      { concurrency: 1 },
    );
    await queue.publish(job);

    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      const names = topologyNames(name);
      for (const queueName of [names.work, names.retries[0]!, names.dead]) await channel.checkQueue(queueName);
      let dead: amqp.GetMessage | false = false;
      async function poll() {
        while (!dead) {
          dead = await channel.get(names.dead, { noAck: true });
          if (!dead) await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      await Promise.race([poll(), new Promise((_resolve, reject) => setTimeout(() => reject(new Error('no dead letter')), 10_000))]);
      const message = dead as unknown as amqp.GetMessage;
      expect(message.properties.deliveryMode).toBe(2);
      expect(message.properties.headers).toMatchObject({ 'x-task-id': job.id, 'x-attempt': 1, 'x-error-code': 'INTERNAL_ERROR' });
      expect(Buffer.compare(message.content, job.image)).toBe(0);
    } finally {
      await connection.close();
    }
  });

  /** Whether the broker refuses to declare the queue again as a classic queue without arguments. */
  const declaredWithArguments = async (queueName: string) => {
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      return await channel.assertQueue(queueName, { durable: true }).then(
        () => false,
        (error: { code?: number }) => error.code === 406,
      );
    } finally {
      await connection.close().catch(() => undefined);
    }
  };

  it('declares quorum queues by default, whose delivery limit dead-letters a message the workers never settle', async () => {
    await open({ maxAttempts: 2 });
    // Another attempt count later declares the same queues: the broker's limit does not follow it.
    await open({ maxAttempts: 5 });
    const names = topologyNames(name);
    for (const queueName of [names.work, names.retries[0]!, names.dead]) expect(await declaredWithArguments(queueName)).toBe(true);

    // A consumer that hands the message back each time, as a worker killed before it could settle it would.
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      const job = makeJob();
      channel.sendToQueue(names.work, job.image, { persistent: true, messageId: job.id });
      let deliveries = 0;
      await channel.consume(names.work, (message) => {
        if (!message) return;
        deliveries += 1;
        channel.nack(message, false, true);
      });
      const dead: amqp.GetMessage[] = [];
      await eventually(async () => {
        const message = await channel.get(names.dead, { noAck: true });
        if (message) dead.push(message);
        return dead.length > 0;
      }, 'the message in the dead-letter queue');
      expect(dead[0]!.properties.messageId).toBe(job.id);
      // Handed back as often as the limit allows, delivered once more, then dead-lettered.
      expect(deliveries).toBe(BROKER_DELIVERY_LIMIT + 1);
    } finally {
      await connection.close();
    }
  });

  it('declares the classic queues of earlier versions when RABBITMQ_QUEUE_TYPE=classic', async () => {
    await open({ queueType: 'classic' });
    expect(await declaredWithArguments(topologyNames(name).work)).toBe(false);
  });

  it('connects to the next address of the list when the first does not answer', async () => {
    const queue = await open({ urls: [`amqp://guest:guest@127.0.0.1:${await freePort()}`, AMQP_URL] });
    const received: string[] = [];
    await queue.consume(async (job) => void received.push(job.id), { concurrency: 1 });
    const job = makeJob();
    await queue.publish(job);
    await eventually(() => received.includes(job.id), 'the job, through the second address');
  });

  it('refuses to publish at once, with QUEUE_UNAVAILABLE, when the broker cannot be reached', async () => {
    const port = await freePort();
    const started = Date.now();
    const queue = await open({ urls: [`amqp://guest:guest@127.0.0.1:${port}`] });
    expect(Date.now() - started).toBeLessThan(2_000);
    const publishing = await timed(() => queue.publish(makeJob()));
    expect(publishing.error).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    expect(publishing.ms).toBeLessThan(1_500);
    await expect(queue.ping()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  });

  it('fails fast while the connection is cut, then reconnects by itself and delivers again', { timeout: 30_000 }, async () => {
    const queue = await open({ urls: [proxiedUrl] });
    const received: string[] = [];
    await queue.consume(async (job) => void received.push(job.id), { concurrency: 1 });
    const before = makeJob();
    await queue.publish(before);
    await eventually(() => received.includes(before.id), 'the first job');

    await proxy.cut();
    const publishing = await timed(async () => {
      // The client notices the cut within moments; until then a publish may still be confirmed or refused.
      for (;;) await queue.publish(makeJob());
    });
    expect(publishing.error).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    expect(publishing.ms).toBeLessThan(2_000);
    await expect(queue.ping()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });

    await proxy.restore();
    const after = makeJob();
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { error } = await timed(() => queue.publish(after));
      if (!error) break;
      if (Date.now() > deadline) throw new Error('the queue never took a job after the outage', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(() => received.includes(after.id), 'the job published after the outage', 15_000);
    await expect(queue.ping()).resolves.toBeUndefined();
  });

  it('hands the job of a worker that died mid-job to another worker, counting the lost delivery as an attempt', { timeout: 30_000 }, async () => {
    const dying = await open({ urls: [proxiedUrl] });
    const survivor = await open();
    const job = makeJob();
    const hanging = await consumeThenHang(dying);
    await dying.publish(job);
    await hanging.reached;

    const deliveries: Array<{ job: JobMessage; delivery: Delivery }> = [];
    await survivor.consume(async (delivered, delivery) => void deliveries.push({ job: delivered, delivery }), { concurrency: 1 });
    // The dying worker's connection drops: the broker takes the unacknowledged job back.
    await proxy.cut();
    await eventually(() => deliveries.length === 1, 'the job on the other worker', 15_000);
    expect(deliveries[0]!.job.id).toBe(job.id);
    expect(Buffer.compare(deliveries[0]!.job.image, job.image)).toBe(0);
    expect(deliveries[0]!.delivery).toEqual({ attempt: 2, finalAttempt: false });
    hanging.release();
  });

  it('gives one result for a job whose worker stored it and died before acknowledging it', { timeout: 30_000 }, async () => {
    const keyPrefix = `${uniqueName('redelivery')}:`;
    const stores = await createRedisStores({ url: REDIS_URL, keyPrefix, resultTtlSeconds: 600 });
    try {
      const dying = await open({ urls: [proxiedUrl] });
      const survivor = await open();
      const job = makeJob();
      await stores.jobs.create({ id: job.id, options: job.options, mediaType: job.mediaType, createdAt: new Date().toISOString() });
      const result = { text: 'stored by the first worker', confidence: 90, lang: 'eng', psm: 6, timings: { queuedMs: 1, recognitionMs: 1 } };
      // What the worker does (src/worker/process-job.ts): mark processing and store the outcome; then it dies.
      const hanging = await consumeThenHang(dying, async (delivered) => {
        await stores.jobs.markProcessing(delivered.id);
        await stores.jobs.complete(delivered.id, result);
      });
      await dying.publish(job);
      await hanging.reached;

      const seen: Array<{ delivery: Delivery; picked: boolean }> = [];
      await survivor.consume(
        async (delivered, delivery) => {
          const picked = (await stores.jobs.markProcessing(delivered.id)) !== undefined;
          if (picked) await stores.jobs.complete(delivered.id, { ...result, text: 'stored again' });
          seen.push({ delivery, picked });
        },
        { concurrency: 1 },
      );
      await proxy.cut();
      await eventually(() => seen.length === 1, 'the redelivery', 15_000);
      expect(seen[0]).toEqual({ delivery: { attempt: 2, finalAttempt: false }, picked: false });
      expect(await stores.jobs.get(job.id)).toMatchObject({ status: 'completed', attempts: 1, result });
      hanging.release();
    } finally {
      await stores.close();
      await deleteRedisKeys(keyPrefix);
    }
  });
});
