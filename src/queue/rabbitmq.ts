import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import type { Logger } from 'pino';
import { AppError, toErrorInfo } from '../errors.js';
import type { JobMessage, OcrOptions } from '../job.js';
import type { ConsumeOptions, DeadLetterHandler, JobHandler, JobQueue } from './job-queue.js';

export interface RabbitQueueOptions {
  /** `amqp://user:password@host:port/vhost`. */
  url: string;
  /** The work queue; the retry and dead-letter queues are named after it. */
  name: string;
  maxAttempts: number;
  logger?: Logger;
  /** How long a failed job waits in the retry queue before it is delivered again. */
  retryDelayMs?: number;
  /** A publish not confirmed by the broker within this long fails with QUEUE_UNAVAILABLE. */
  confirmTimeoutMs?: number;
  /** Reconnection back-off: first delay and ceiling. */
  reconnectDelayMs?: { initial: number; max: number };
  /** Receives each job that failed its final attempt, after it was put in the dead-letter queue. */
  onDeadLetter?: DeadLetterHandler;
}

/** The names of the three queues of one work queue. */
export function topologyNames(name: string) {
  return { work: name, retry: `${name}.retry`, dead: `${name}.dead` };
}

/**
 * The whole topology, declared in one place and re-declared on every (re)connection:
 * - the durable work queue;
 * - a retry queue whose messages expire after `retryDelayMs` and are dead-lettered back to the work queue;
 * - a dead-letter queue for jobs that exhausted their attempts, kept until someone looks at them.
 * Changing `retryDelayMs` for an existing queue needs the old retry queue deleted first (RabbitMQ refuses
 * to re-declare a queue with other arguments).
 */
async function declareTopology(channel: ConfirmChannel, name: string, retryDelayMs: number): Promise<void> {
  const names = topologyNames(name);
  await channel.assertQueue(names.work, { durable: true });
  await channel.assertQueue(names.retry, {
    durable: true,
    arguments: { 'x-message-ttl': retryDelayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': names.work },
  });
  await channel.assertQueue(names.dead, { durable: true });
}

/** Message headers: everything of the job but the image, which is the body. */
const HEADER = { id: 'x-task-id', mediaType: 'x-media-type', options: 'x-ocr-options', attempt: 'x-attempt', errorCode: 'x-error-code', errorMessage: 'x-error-message' } as const;

function toMessage(job: JobMessage, attempt: number, extraHeaders: Record<string, string> = {}): { body: Buffer; options: Options.Publish } {
  return {
    body: job.image,
    options: {
      persistent: true,
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
function sendConfirmed(channel: ConfirmChannel, queue: string, job: JobMessage, attempt: number, timeoutMs: number, extraHeaders?: Record<string, string>): Promise<void> {
  const { body, options } = toMessage(job, attempt, extraHeaders);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable('The job queue did not confirm the job in time; try again shortly.')), timeoutMs);
    try {
      channel.sendToQueue(queue, body, options, (error: unknown) => {
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
  reconnectDelayMs: { initial: number; max: number };
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
      const { initial, max } = this.options.reconnectDelayMs;
      const delay = Math.min(max, initial * 2 ** (this.attempt - 1)) * (0.8 + Math.random() * 0.4);
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
    this.retryTimer = setTimeout(() => void this.connect(), this.options.reconnectDelayMs.initial);
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
 * resolved, and reconnects by itself. Attempts are counted in a header: a job whose handler threw goes to
 * the retry queue with the next attempt; a job redelivered because its worker died is put back at the end
 * of the queue with the next attempt; after the last attempt it goes to the dead-letter queue.
 */
export async function createRabbitQueue(options: RabbitQueueOptions): Promise<JobQueue> {
  const { url, name, maxAttempts, logger, onDeadLetter, retryDelayMs = 2_000, confirmTimeoutMs = 5_000, reconnectDelayMs = { initial: 200, max: 5_000 } } = options;
  const names = topologyNames(name);
  const log = logger?.child({ queue: name });

  const publisher = new AmqpLink({
    url,
    label: `${name} publisher`,
    logger: log,
    reconnectDelayMs,
    setup: (channel) => declareTopology(channel, name, retryDelayMs),
  });
  await publisher.started();

  let consumer: ConsumerState | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;

  /** Puts a message back in a queue with the given attempt, then acknowledges the delivered copy. */
  const moveTo = async (channel: ConfirmChannel, message: ConsumeMessage, queue: string, job: JobMessage, attempt: number, headers?: Record<string, string>) => {
    await sendConfirmed(channel, queue, job, attempt, confirmTimeoutMs, headers);
    channel.ack(message);
  };

  const deadLetter = async (channel: ConfirmChannel, message: ConsumeMessage, job: JobMessage, attempt: number, error: unknown) => {
    const info = toErrorInfo(error);
    await moveTo(channel, message, names.dead, job, attempt, { [HEADER.errorCode]: info.code, [HEADER.errorMessage]: info.message });
    log?.error({ task_id: job.id, attempt, code: info.code }, 'job exhausted its attempts; moved to the dead-letter queue');
    await onDeadLetter?.(job, error);
  };

  const deliver = async (channel: ConfirmChannel, message: ConsumeMessage, handler: JobHandler, slots: ReturnType<typeof createSlots>): Promise<void> => {
    const { job, attempt } = fromMessage(message);
    if (message.fields.redelivered) {
      // The broker hands this back because the consumer that had it went away without acknowledging it:
      // that delivery counts as an attempt, so a job that kills its worker cannot loop for ever.
      if (attempt >= maxAttempts) {
        const lost = new AppError('WORKER_LOST', `The worker running this job stopped before finishing it, on each of ${attempt} attempts.`);
        await deadLetter(channel, message, job, attempt, lost);
      } else {
        await moveTo(channel, message, names.work, job, attempt + 1);
        log?.info({ task_id: job.id, attempt: attempt + 1 }, 'job redelivered after its worker went away; queued again');
      }
      return;
    }
    await slots.acquire();
    try {
      await handler(job, { attempt, finalAttempt: attempt >= maxAttempts });
      channel.ack(message);
    } catch (error) {
      if (attempt >= maxAttempts) await deadLetter(channel, message, job, attempt, error);
      else await moveTo(channel, message, names.retry, job, attempt + 1);
    } finally {
      slots.release();
    }
  };

  const queue: JobQueue = {
    async publish(job) {
      if (closed) throw unavailable('The job queue is shutting down; try again shortly.');
      const channel = publisher.channel;
      if (!channel || !publisher.open) throw unavailable('The job queue (RabbitMQ) cannot be reached; try again shortly.');
      await sendConfirmed(channel, names.work, job, 1, confirmTimeoutMs);
    },

    async consume(handler, { concurrency }: ConsumeOptions) {
      if (closed) throw unavailable('The job queue is closed.');
      if (consumer) throw new Error('This queue is already consuming; call stopConsuming() first.');
      const slots = createSlots(concurrency);
      const inFlight = new Set<Promise<void>>();
      const state: ConsumerState = {
        inFlight,
        link: new AmqpLink({
          url,
          label: `${name} consumer`,
          logger: log,
          reconnectDelayMs,
          setup: async (channel) => {
            await declareTopology(channel, name, retryDelayMs);
            await channel.prefetch(concurrency);
            const { consumerTag } = await channel.consume(
              names.work,
              (message) => {
                if (!message) {
                  // The broker cancelled the consumer (the queue was deleted): start over with a new channel.
                  channel.close().catch(() => undefined);
                  return;
                }
                const run = deliver(channel, message, handler, slots)
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
      const channel = current.link.channel;
      if (channel && current.consumerTag) await channel.cancel(current.consumerTag).catch(() => undefined);
      while (current.inFlight.size > 0) await Promise.allSettled([...current.inFlight]);
      await current.link.close();
      if (consumer === current) consumer = undefined;
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

/** Deletes the three queues of a work queue (for tests and for tearing down a deployment). */
export async function deleteTopology(url: string, name: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of Object.values(topologyNames(name))) await channel.deleteQueue(queue);
  } finally {
    await connection.close();
  }
}
