import type { ConfirmChannel } from 'amqplib';
import { backoffCeiling, type Backoff } from '../../backoff.js';
import { BROKER_DELIVERY_LIMIT } from '../delivery-policy.js';
import { withChannel } from './amqp-link.js';

/** Retry delays double up to their ceiling in this many steps at most; one retry queue per step. */
const MAX_RETRY_LEVELS = 16;

/** The longest wait of each retry queue: the back-off's ceilings, from the first delay up to the cap. */
export function retryLevels(backoff: Backoff): number[] {
  const levels: number[] = [];
  for (let attempt = 1; levels.length < MAX_RETRY_LEVELS; attempt += 1) {
    const ceiling = backoffCeiling(attempt, backoff);
    levels.push(ceiling);
    if (ceiling >= backoff.maxMs) break;
  }
  return levels;
}

/**
 * `quorum`: replicated on a majority of the cluster's nodes, the only replicated type from RabbitMQ 4 on; `classic`:
 * on one node, as before quorum queues were the default. A queue's type cannot change once it exists.
 */
export type RabbitQueueType = 'quorum' | 'classic';

/** What the topology is declared with besides its name. */
export interface TopologyOptions {
  levels: number;
  queueType: RabbitQueueType;
}

/**
 * The arguments of every queue of the given type. A quorum queue hands its dead letters on only once the queue they
 * go to has them (at-least-once, which needs `reject-publish`), so a retry or dead letter is never dropped between
 * two queues when a node fails.
 */
function queueArguments(queueType: RabbitQueueType, deadLetterTo?: string): Record<string, unknown> {
  return {
    ...(queueType === 'quorum' && { 'x-queue-type': 'quorum' }),
    ...(deadLetterTo !== undefined && {
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': deadLetterTo,
      ...(queueType === 'quorum' && { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }),
    }),
  };
}

/** The queues of one work queue: the work queue, its retry queues (one per delay step) and its dead letters. */
export function topologyNames(name: string, levels = MAX_RETRY_LEVELS) {
  return { work: name, retries: Array.from({ length: levels }, (_, index) => `${name}.retry.${index + 1}`), dead: `${name}.dead` };
}

/**
 * The whole topology, declared in one place and re-declared on every (re)connection:
 * - the durable work queue. As a quorum queue it carries the broker's delivery limit (BROKER_DELIVERY_LIMIT): a
 *   message no worker could settle goes to the dead-letter queue rather than round for ever;
 * - retry queues, one per delay step, whose messages each carry their own expiration (the step's delay with
 *   jitter) and are dead-lettered back to the work queue when it passes. Messages of one queue have similar
 *   delays, so none waits long behind an earlier one that expires later;
 * - a dead-letter queue for jobs that exhausted their attempts, kept until someone looks at them.
 */
export async function declareTopology(channel: ConfirmChannel, name: string, { levels, queueType }: TopologyOptions): Promise<void> {
  const names = topologyNames(name, levels);
  // A classic work queue keeps the arguments it always had: a queue cannot be declared again with others.
  const work = queueType === 'quorum' ? { ...queueArguments(queueType, names.dead), 'x-delivery-limit': BROKER_DELIVERY_LIMIT } : {};
  await channel.assertQueue(names.work, { durable: true, arguments: work }).catch((error: unknown) => {
    // PRECONDITION_FAILED: the queue exists with other arguments, such as a classic queue where a quorum one is declared.
    if ((error as { code?: unknown }).code !== 406) throw error;
    throw new Error(
      `The queue ${names.work} exists with other arguments than RABBITMQ_QUEUE_TYPE=${queueType} gives it; a queue's type cannot change in place: move to a new QUEUE_NAME as docs/operations.md says, or set the type it has.`,
      { cause: error },
    );
  });
  for (const retry of names.retries) {
    await channel.assertQueue(retry, { durable: true, arguments: queueArguments(queueType, names.work) });
  }
  await channel.assertQueue(names.dead, { durable: true, arguments: queueArguments(queueType) });
}

/** Deletes every queue of a work queue (for tests and for tearing down a deployment). */
export async function deleteTopology(url: string, name: string): Promise<void> {
  await withChannel(url, async (channel) => {
    const { work, retries, dead } = topologyNames(name);
    // `<name>.retry` is the single fixed-delay retry queue of earlier versions.
    for (const queue of [work, ...retries, `${name}.retry`, dead]) await channel.deleteQueue(queue);
  });
}
