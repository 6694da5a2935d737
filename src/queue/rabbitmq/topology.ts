import type { ConfirmChannel } from 'amqplib';
import { backoffCeiling, type Backoff } from '../../backoff.js';
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
export async function declareTopology(channel: ConfirmChannel, name: string, levels: number): Promise<void> {
  const names = topologyNames(name, levels);
  await channel.assertQueue(names.work, { durable: true });
  for (const retry of names.retries) {
    await channel.assertQueue(retry, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': names.work } });
  }
  await channel.assertQueue(names.dead, { durable: true });
}

/** Deletes every queue of a work queue (for tests and for tearing down a deployment). */
export async function deleteTopology(url: string, name: string): Promise<void> {
  await withChannel(url, async (channel) => {
    const { work, retries, dead } = topologyNames(name);
    // `<name>.retry` is the single fixed-delay retry queue of earlier versions.
    for (const queue of [work, ...retries, `${name}.retry`, dead]) await channel.deleteQueue(queue);
  });
}
