import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { sleep, type Backoff } from '../../backoff.js';
import { toErrorInfo } from '../../errors.js';
import type { JobMessage } from '../../job.js';
import { recordDeadLetter } from '../dead-letters.js';
import { decideDelivery, deliveryOf, deliveryPolicy, type DeliveryPolicyOptions, type DeliveryResult } from '../delivery-policy.js';
import { queueUnavailable, type ConsumeOptions, type DeadLetterHandler, type JobHandler, type JobQueue } from '../job-queue.js';
import { AmqpLink } from './amqp-link.js';
import { errorHeaders, fromMessage, type Routing } from './message-codec.js';
import { sendConfirmed } from './send-confirmed.js';
import { createSlots, type Slots } from './slots.js';
import { declareTopology, retryLevels, topologyNames, type RabbitQueueType } from './topology.js';

export interface RabbitQueueOptions extends DeliveryPolicyOptions {
  /** `amqp://user:password@host:port/vhost` of each node of the cluster, tried in turn. */
  urls: string[];
  /** `quorum` by default. */
  queueType?: RabbitQueueType;
  /** The work queue; the retry and dead-letter queues are named after it. */
  name: string;
  logger?: Logger;
  /** A publish not confirmed by the broker within this long fails with QUEUE_UNAVAILABLE. */
  confirmTimeoutMs?: number;
  /** Reconnection back-off. */
  reconnectBackoff?: Backoff;
}

interface ConsumerState {
  link: AmqpLink;
  /** The handlers running now, each until its job is acknowledged or handed back. */
  inFlight: Set<Promise<void>>;
  /** The consumer on the current channel, renewed on each reconnection. */
  consumerTag?: string;
  /** Aborted at stop, so deliveries held back during an outage are handed back at once. */
  stopping: AbortController;
}

/**
 * The RabbitMQ queue. Jobs are persistent messages on a durable queue; `publish` resolves only after the
 * broker confirmed the message, and fails at once with QUEUE_UNAVAILABLE while the broker is unreachable.
 * A consumer takes at most `concurrency` jobs (prefetch), acknowledges each only after its handler
 * resolved, and reconnects by itself. Attempts are counted in a header: a job whose handler threw waits in
 * a retry queue (longer with each attempt) and comes back with the next attempt; a job redelivered because
 * its worker died is put back at the end of the queue with the next attempt; after the last attempt it is
 * recorded (`onDeadLetter`) and then moved to the dead-letter queue. A handler that met an outage spends no
 * attempt: its job goes back as it was, after a pause that grows while outages go on.
 */
export async function createRabbitQueue(options: RabbitQueueOptions): Promise<JobQueue> {
  const { urls, queueType = 'quorum', name, logger, confirmTimeoutMs = 5_000, reconnectBackoff = { initialMs: 200, maxMs: 5_000 } } = options;
  const policy = deliveryPolicy(options);
  const levels = retryLevels(policy.retryBackoff);
  const names = topologyNames(name, levels.length);
  const topology = { levels: levels.length, queueType };
  const log = logger?.child({ queue: name });

  const publisher = new AmqpLink({
    urls,
    label: `${name} publisher`,
    logger: log,
    reconnectBackoff,
    setup: (channel) => declareTopology(channel, name, topology),
  });
  await publisher.started();

  let consumer: ConsumerState | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  let outagesInARow = 0;

  /** Puts a message in a queue under the given routing, then acknowledges the delivered copy. */
  const moveTo = async (channel: ConfirmChannel, message: ConsumeMessage, job: JobMessage, routing: Routing) => {
    await sendConfirmed(channel, job, routing, confirmTimeoutMs);
    channel.ack(message);
  };

  /**
   * Sends a job to be delivered again as `attempt` after `delayMs`: at once to the end of the work queue, or else
   * through the retry queue of the failed attempt's delay step, whose longest wait covers the delay.
   */
  const retryLater = (channel: ConfirmChannel, message: ConsumeMessage, job: JobMessage, attempt: number, delayMs: number) => {
    if (delayMs === 0) return moveTo(channel, message, job, { queue: names.work, attempt });
    const step = Math.min(attempt - 1, levels.length) - 1;
    return moveTo(channel, message, job, { queue: names.retries[step]!, attempt, expiresInMs: delayMs });
  };

  const deadLetter = async (
    state: ConsumerState,
    channel: ConfirmChannel,
    message: ConsumeMessage,
    job: JobMessage,
    attempt: number,
    error: unknown,
    onDeadLetter?: DeadLetterHandler,
  ) => {
    const info = toErrorInfo(error);
    if (!(await recordDeadLetter(onDeadLetter, job, error, { stopping: state.stopping.signal, log }))) {
      // Stopping before the outcome could be recorded: the job stays in the queue, to be dead-lettered on its next turn.
      channel.nack(message, false, true);
      return;
    }
    await moveTo(channel, message, job, { queue: names.dead, attempt, headers: errorHeaders(info) });
    log?.error({ task_id: job.id, attempt, code: info.code }, 'job exhausted its attempts; moved to the dead-letter queue');
  };

  /** Runs the handler on one delivery of a job. */
  const runHandler = (handler: JobHandler, job: JobMessage, attempt: number): Promise<DeliveryResult> =>
    handler(job, deliveryOf(attempt, policy)).then(
      () => ({ kind: 'resolved' }),
      (error: unknown) => ({ kind: 'threw', error }),
    );

  const deliver = async (
    state: ConsumerState,
    channel: ConfirmChannel,
    message: ConsumeMessage,
    handler: JobHandler,
    { onDeadLetter }: ConsumeOptions,
    slots: Slots,
  ): Promise<void> => {
    const { job, attempt } = fromMessage(message);
    await slots.acquire();
    try {
      // The broker hands a message back marked redelivered when the consumer that had it went away without
      // acknowledging it: that delivery was lost with its worker, and is settled without running the job.
      const result: DeliveryResult = message.fields.redelivered ? { kind: 'lost' } : await runHandler(handler, job, attempt);
      const decision = decideDelivery(policy, { attempt, outagesInARow }, result);
      outagesInARow = decision.outagesInARow;
      const { outcome } = decision;
      switch (outcome.kind) {
        case 'acknowledge':
          channel.ack(message);
          break;
        case 'outage':
          log?.warn({ task_id: job.id, attempt }, 'job met an outage; handing it back without counting the attempt');
          // Holds the delivery (and its slot) a while, so the consumer does not spin through the outage.
          await sleep(outcome.pauseMs, state.stopping.signal);
          await moveTo(channel, message, job, { queue: names.work, attempt: outcome.attempt });
          break;
        case 'retry':
          await retryLater(channel, message, job, outcome.attempt, outcome.delayMs);
          if (result.kind === 'lost')
            log?.info({ task_id: job.id, attempt: outcome.attempt }, 'job redelivered after its worker went away; queued again');
          break;
        case 'dead-letter':
          await deadLetter(state, channel, message, job, attempt, outcome.reason, onDeadLetter);
      }
    } finally {
      slots.release();
    }
  };

  const queue: JobQueue = {
    async publish(job) {
      if (closed) throw queueUnavailable('The job queue is shutting down; try again shortly.');
      const channel = publisher.channel;
      if (!channel || !publisher.open) throw queueUnavailable('The job queue (RabbitMQ) cannot be reached; try again shortly.');
      await sendConfirmed(channel, job, { queue: names.work, attempt: 1 }, confirmTimeoutMs);
    },

    async consume(handler, consumeOptions: ConsumeOptions) {
      if (closed) throw queueUnavailable('The job queue is closed.');
      if (consumer) throw new Error('This queue is already consuming; call stopConsuming() first.');
      const slots = createSlots(consumeOptions.concurrency);
      const inFlight = new Set<Promise<void>>();
      const state: ConsumerState = {
        inFlight,
        stopping: new AbortController(),
        link: new AmqpLink({
          urls,
          label: `${name} consumer`,
          logger: log,
          reconnectBackoff,
          setup: async (channel) => {
            await declareTopology(channel, name, topology);
            await channel.prefetch(consumeOptions.concurrency);
            const { consumerTag } = await channel.consume(
              names.work,
              (message) => {
                if (!message) {
                  // The broker cancelled the consumer (the queue was deleted): start over with a new channel.
                  channel.close().catch(() => undefined);
                  return;
                }
                const run = deliver(state, channel, message, handler, consumeOptions, slots)
                  .catch((error: unknown) => {
                    // The channel went away before the acknowledgement: the broker redelivers the job.
                    log?.warn({ err: error, task_id: message.properties.messageId }, 'could not acknowledge a job; the broker will deliver it again');
                  })
                  .finally(() => inFlight.delete(run));
                inFlight.add(run);
              },
              { noAck: false },
            );
            state.consumerTag = consumerTag;
          },
        }),
      };
      consumer = state;
      await state.link.started();
    },

    async stopConsuming() {
      const current = consumer;
      if (!current) return;
      // Cancel first so the broker sends nothing more, then let the jobs in flight finish and acknowledge.
      current.stopping.abort();
      const channel = current.link.channel;
      if (channel && current.consumerTag) await channel.cancel(current.consumerTag).catch(() => undefined);
      while (current.inFlight.size > 0) await Promise.allSettled([...current.inFlight]);
      await current.link.close();
      if (consumer === current) consumer = undefined;
    },

    async holds() {
      // RabbitMQ cannot look a message up by id. Its queues being empty is proof enough that a job is not
      // waiting in them; a job in a worker's hands is `processing` in the store, which the caller knows.
      const channel = publisher.channel;
      if (!channel || !publisher.open) throw queueUnavailable('The job queue (RabbitMQ) cannot be reached.');
      for (const waiting of [names.work, ...names.retries]) {
        if ((await channel.checkQueue(waiting)).messageCount > 0) return undefined;
      }
      return false;
    },

    async ping() {
      if (closed) throw queueUnavailable('The job queue is closed.');
      if (!publisher.open) throw queueUnavailable('The job queue (RabbitMQ) cannot be reached.');
      if (consumer && !consumer.link.open) throw queueUnavailable('The worker lost its connection to the job queue (RabbitMQ).');
    },

    close() {
      closing ??= (async () => {
        closed = true;
        await queue.stopConsuming();
        await publisher.close();
      })();
      return closing;
    },
  };
  return queue;
}
