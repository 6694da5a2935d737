import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import type { Logger } from 'pino';
import { backoffCeiling, backoffDelay, sleep, withJitter, type Backoff } from '../backoff.js';
import { AppError, isOutage, toErrorInfo } from '../errors.js';
import type { JobMessage, OcrOptions } from '../job.js';
import { recordDeadLetter } from './dead-letters.js';
import type { ConsumeOptions, DeadLetterHandler, JobHandler, JobQueue } from './job-queue.js';

export interface RabbitQueueOptions {
  /** `amqp://user:password@host:port/vhost`. */
  url: string;
  /** The work queue; the retry and dead-letter queues are named after it. */
  name: string;
  maxAttempts: number;
  logger?: Logger;
  /** How long a failed job waits before it is delivered again: doubling with each attempt, with jitter. */
  retryBackoff?: Backoff;
  /** A publish not confirmed by the broker within this long fails with QUEUE_UNAVAILABLE. */
  confirmTimeoutMs?: number;
  /** Reconnection back-off. */
  reconnectBackoff?: Backoff;
  /** How long a delivery whose handler met an outage is held before it goes back, growing while outages go on. */
  outageBackoff?: Backoff;
}

/** Retry delays double up to their ceiling in this many steps at most; one retry queue per step. */
const MAX_RETRY_LEVELS = 16;

/** The longest wait of each retry queue: the back-off's ceilings, from the first delay up to the cap. */
function retryLevels(backoff: Backoff): number[] {
  const levels: number[] = [];
  for (let attempt = 1; levels.length < MAX_RETRY_LEVELS; attempt += 1) {
    const ceiling = backoffCeiling(attempt, backoff);
    levels.push(ceiling);
    if (ceiling >= backoff.maxMs) break;
  }
  return levels;
}

/** The queues of one work queue: the work queue, its retry queues (one per delay step) and its dead letters. */
export function topologyNames(name: string, levels = MAX_RETRY_LEVELS) {
  return { work: name, retries: Array.from({ length: levels }, (_, index) => `${name}.retry.${index + 1}`), dead: `${name}.dead` };
}

/**
 * The whole topology, declared in one place and re-declared on every (re)connection:
 * - the durable work queue;
 * - retry queues, one per delay step, whose messages each carry their own expiration (the step's delay with
 *   jitter) and are dead-lettered back to the work queue when it passes. Messages of one queue have similar
 *   delays, so none waits long behind an earlier one that expires later;
 * - a dead-letter queue for jobs that exhausted their attempts, kept until someone looks at them.
 */
async function declareTopology(channel: ConfirmChannel, name: string, levels: number): Promise<void> {
  const names = topologyNames(name, levels);
  await channel.assertQueue(names.work, { durable: true });
  for (const retry of names.retries) {
    await channel.assertQueue(retry, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': names.work } });
  }
  await channel.assertQueue(names.dead, { durable: true });
}

/** Message headers: everything of the job but the image, which is the body. */
const HEADER = { id: 'x-task-id', mediaType: 'x-media-type', options: 'x-ocr-options', attempt: 'x-attempt', errorCode: 'x-error-code', errorMessage: 'x-error-message' } as const;

/** Where a message goes, under which attempt, and what it carries besides the job. */
interface Routing {
  queue: string;
  attempt: number;
  headers?: Record<string, string>;
  /** Milliseconds the message may wait in its queue (retry queues only). */
  expiresInMs?: number;
}

function toMessage(job: JobMessage, { attempt, headers: extraHeaders = {}, expiresInMs }: Routing): { body: Buffer; options: Options.Publish } {
  return {
    body: job.image,
    options: {
      persistent: true,
      ...(expiresInMs !== undefined && { expiration: String(expiresInMs) }),
      contentType: job.mediaType,
      messageId: job.id,
      timestamp: Math.floor(Date.now() / 1000),
      headers: {
        [HEADER.id]: job.id,
        [HEADER.mediaType]: job.mediaType,
        [HEADER.options]: JSON.stringify(job.options),
        [HEADER.attempt]: attempt,
        ...extraHeaders,
      },
    },
  };
}

function fromMessage(message: ConsumeMessage): { job: JobMessage; attempt: number } {
  const headers = message.properties.headers ?? {};
  const attempt = Number(headers[HEADER.attempt] ?? 1);
  return {
    job: {
      id: String(headers[HEADER.id] ?? message.properties.messageId),
      mediaType: String(headers[HEADER.mediaType] ?? message.properties.contentType),
      options: JSON.parse(String(headers[HEADER.options] ?? '{}')) as OcrOptions,
      image: message.content,
    },
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
  };
}

const unavailable = (message: string, cause?: unknown) => new AppError('QUEUE_UNAVAILABLE', message, { cause });

/** Sends one message on a confirm channel; resolves when the broker confirmed it, rejects otherwise. */
function sendConfirmed(channel: ConfirmChannel, job: JobMessage, routing: Routing, timeoutMs: number): Promise<void> {
  const { body, options } = toMessage(job, routing);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable('The job queue did not confirm the job in time; try again shortly.')), timeoutMs);
    try {
      channel.sendToQueue(routing.queue, body, options, (error: unknown) => {
        clearTimeout(timer);
        if (error) reject(unavailable('The job queue refused the job; try again shortly.', error));
        else resolve();
      });
    } catch (error) {
      // amqplib throws at once when the channel is already closed.
      clearTimeout(timer);
      reject(unavailable('The job queue is not connected; try again shortly.', error));
    }
  });
}

interface LinkOptions {
  url: string;
  label: string;
  logger?: Logger;
  reconnectBackoff: Backoff;
  /** Runs on each new channel before the link counts as open: topology, prefetch, consumers. */
  setup(channel: ConfirmChannel): Promise<void>;
}

/**
 * One connection with one confirm channel, kept open: when either closes, it reconnects with exponential
 * back-off and runs `setup` again, until `close()`. `channel` is undefined while it is down, so callers
 * can fail at once instead of waiting.
 */
class AmqpLink {
  channel: ConfirmChannel | undefined;
  private connection: ChannelModel | undefined;
  private closed = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private blocked = false;
  private firstAttempt: Promise<void>;
  private settleFirstAttempt!: () => void;

  constructor(private readonly options: LinkOptions) {
    this.firstAttempt = new Promise((resolve) => (this.settleFirstAttempt = resolve));
    void this.connect();
  }

  /** True while the link can take messages. */
  get open(): boolean {
    return this.channel !== undefined && !this.blocked;
  }

  /** Resolves after the first connection attempt, successful or not. */
  started(): Promise<void> {
    return this.firstAttempt;
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    const { url, label, logger, setup } = this.options;
    let connection: ChannelModel | undefined;
    try {
      connection = await amqp.connect(withHeartbeat(url), { timeout: 5_000, clientProperties: { connection_name: label } });
      connection.on('error', (error: Error) => logger?.debug({ err: error, link: label }, 'broker connection error'));
      connection.on('blocked', (reason: string) => {
        this.blocked = true;
        logger?.warn({ link: label, reason }, 'broker blocked publishing (resource alarm)');
      });
      connection.on('unblocked', () => {
        this.blocked = false;
        logger?.info({ link: label }, 'broker unblocked publishing');
      });
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => logger?.warn({ err: error, link: label }, 'broker channel error'));
      await setup(channel);
      if (this.closed) {
        await connection.close().catch(() => undefined);
        return;
      }
      // Any loss of the channel or connection starts over with a fresh connection.
      const lost = () => this.lost(connection!);
      connection.once('close', lost);
      channel.once('close', lost);
      this.connection = connection;
      this.channel = channel;
      if (this.attempt > 0) logger?.info({ link: label }, 'broker reconnected');
      this.attempt = 0;
    } catch (error) {
      connection?.close().catch(() => undefined);
      this.attempt += 1;
      const delay = backoffDelay(this.attempt, this.options.reconnectBackoff);
      const details = { err: error, link: label, retry_in_ms: Math.round(delay) };
      if (this.attempt === 1) logger?.warn(details, 'broker unreachable; retrying');
      else logger?.debug(details, 'broker still unreachable; retrying');
      if (!this.closed) this.retryTimer = setTimeout(() => void this.connect(), delay);
    } finally {
      this.settleFirstAttempt();
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.channel = undefined;
    this.blocked = false;
    connection.close().catch(() => undefined);
    if (this.closed) return;
    this.options.logger?.warn({ link: this.options.label }, 'broker connection lost; reconnecting');
    this.attempt = 1;
    this.retryTimer = setTimeout(() => void this.connect(), backoffDelay(1, this.options.reconnectBackoff));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const connection = this.connection;
    const channel = this.channel;
    this.connection = undefined;
    this.channel = undefined;
    // Closing the channel first flushes what it still has to send: amqplib writes the connection's close
    // ahead of channel frames, and acknowledgements sent just before would be lost (and their jobs redelivered).
    await channel?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }
}

/** Heartbeats let both sides notice a dead peer in seconds; the URL may set its own. */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '5');
  return parsed.toString();
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

/** Runs at most `size` tasks at once; the others wait their turn in order. */
function createSlots(size: number) {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
    acquire: (): Promise<void> => (free > 0 ? ((free -= 1), Promise.resolve()) : new Promise((resolve) => waiting.push(resolve))),
    release: (): void => {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
  };
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
  const {
    url,
    name,
    maxAttempts,
    logger,
    retryBackoff = { initialMs: 1_000, maxMs: 30_000 },
    confirmTimeoutMs = 5_000,
    reconnectBackoff = { initialMs: 200, maxMs: 5_000 },
    outageBackoff = { initialMs: 200, maxMs: 5_000 },
  } = options;
  const levels = retryLevels(retryBackoff);
  const names = topologyNames(name, levels.length);
  const log = logger?.child({ queue: name });

  const publisher = new AmqpLink({
    url,
    label: `${name} publisher`,
    logger: log,
    reconnectBackoff,
    setup: (channel) => declareTopology(channel, name, levels.length),
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

  /** Holds the delivery (and its slot) a while after an outage, so a consumer does not spin through it. */
  const pauseForOutage = (stopping: AbortSignal) => {
    outagesInARow += 1;
    return sleep(backoffDelay(outagesInARow, outageBackoff), stopping);
  };

  /** Sends a job whose attempt failed to the retry queue of that attempt's delay step. */
  const retryLater = (channel: ConfirmChannel, message: ConsumeMessage, job: JobMessage, attempt: number) => {
    const step = Math.min(attempt, levels.length) - 1;
    return moveTo(channel, message, job, { queue: names.retries[step]!, attempt: attempt + 1, expiresInMs: withJitter(levels[step]!) });
  };

  const deadLetter = async (state: ConsumerState, channel: ConfirmChannel, message: ConsumeMessage, job: JobMessage, attempt: number, error: unknown, onDeadLetter?: DeadLetterHandler) => {
    const info = toErrorInfo(error);
    if (!(await recordDeadLetter(onDeadLetter, job, error, { stopping: state.stopping.signal, log }))) {
      // Stopping before the outcome could be recorded: the job stays in the queue, to be dead-lettered on its next turn.
      channel.nack(message, false, true);
      return;
    }
    await moveTo(channel, message, job, { queue: names.dead, attempt, headers: { [HEADER.errorCode]: info.code, [HEADER.errorMessage]: info.message } });
    log?.error({ task_id: job.id, attempt, code: info.code }, 'job exhausted its attempts; moved to the dead-letter queue');
  };

  const deliver = async (state: ConsumerState, channel: ConfirmChannel, message: ConsumeMessage, handler: JobHandler, { onDeadLetter }: ConsumeOptions, slots: ReturnType<typeof createSlots>): Promise<void> => {
    const { job, attempt } = fromMessage(message);
    await slots.acquire();
    try {
      if (message.fields.redelivered) {
        // The broker hands this back because the consumer that had it went away without acknowledging it:
        // that delivery counts as an attempt, so a job that kills its worker cannot loop for ever.
        if (attempt >= maxAttempts) {
          const lost = new AppError('WORKER_LOST', `The worker running this job stopped before finishing it, on each of ${attempt} attempts.`);
          await deadLetter(state, channel, message, job, attempt, lost, onDeadLetter);
        } else {
          await moveTo(channel, message, job, { queue: names.work, attempt: attempt + 1 });
          log?.info({ task_id: job.id, attempt: attempt + 1 }, 'job redelivered after its worker went away; queued again');
        }
        return;
      }
      try {
        await handler(job, { attempt, finalAttempt: attempt >= maxAttempts });
        outagesInARow = 0;
        channel.ack(message);
      } catch (error) {
        if (isOutage(error)) {
          log?.warn({ task_id: job.id, attempt }, 'job met an outage; handing it back without counting the attempt');
          await pauseForOutage(state.stopping.signal);
          await moveTo(channel, message, job, { queue: names.work, attempt });
        } else if (attempt >= maxAttempts) {
          await deadLetter(state, channel, message, job, attempt, error, onDeadLetter);
        } else {
          await retryLater(channel, message, job, attempt);
        }
      }
    } finally {
      slots.release();
    }
  };

  const queue: JobQueue = {
    async publish(job) {
      if (closed) throw unavailable('The job queue is shutting down; try again shortly.');
      const channel = publisher.channel;
      if (!channel || !publisher.open) throw unavailable('The job queue (RabbitMQ) cannot be reached; try again shortly.');
      await sendConfirmed(channel, job, { queue: names.work, attempt: 1 }, confirmTimeoutMs);
    },

    async consume(handler, consumeOptions: ConsumeOptions) {
      if (closed) throw unavailable('The job queue is closed.');
      if (consumer) throw new Error('This queue is already consuming; call stopConsuming() first.');
      const slots = createSlots(consumeOptions.concurrency);
      const inFlight = new Set<Promise<void>>();
      const state: ConsumerState = {
        inFlight,
        stopping: new AbortController(),
        link: new AmqpLink({
          url,
          label: `${name} consumer`,
          logger: log,
          reconnectBackoff,
          setup: async (channel) => {
            await declareTopology(channel, name, levels.length);
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
      if (!channel || !publisher.open) throw unavailable('The job queue (RabbitMQ) cannot be reached.');
      for (const waiting of [names.work, ...names.retries]) {
        if ((await channel.checkQueue(waiting)).messageCount > 0) return undefined;
      }
      return false;
    },

    async ping() {
      if (closed) throw unavailable('The job queue is closed.');
      if (!publisher.open) throw unavailable('The job queue (RabbitMQ) cannot be reached.');
      if (consumer && !consumer.link.open) throw unavailable('The worker lost its connection to the job queue (RabbitMQ).');
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

/** Deletes every queue of a work queue (for tests and for tearing down a deployment). */
export async function deleteTopology(url: string, name: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const { work, retries, dead } = topologyNames(name);
    // `<name>.retry` is the single fixed-delay retry queue of earlier versions.
    for (const queue of [work, ...retries, `${name}.retry`, dead]) await channel.deleteQueue(queue);
  } finally {
    await connection.close();
  }
}
