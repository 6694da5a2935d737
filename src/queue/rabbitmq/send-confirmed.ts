import type { ConfirmChannel } from 'amqplib';
import type { JobMessage } from '../../job.js';
import { withinTime } from '../../time-limit.js';
import { queueUnavailable } from '../job-queue.js';
import { toMessage, type Routing } from './message-codec.js';

/** Sends one message on a confirm channel; resolves when the broker confirmed it within `timeoutMs`, rejects otherwise. */
export function sendConfirmed(channel: ConfirmChannel, job: JobMessage, routing: Routing, timeoutMs: number): Promise<void> {
  const { body, options } = toMessage(job, routing);
  const confirmed = new Promise<void>((resolve, reject) => {
    try {
      channel.sendToQueue(routing.queue, body, options, (error: unknown) => {
        if (error) reject(queueUnavailable('The job queue refused the job; try again shortly.', error));
        else resolve();
      });
    } catch (error) {
      // amqplib throws at once when the channel is already closed.
      reject(queueUnavailable('The job queue is not connected; try again shortly.', error));
    }
  });
  return withinTime(confirmed, timeoutMs, () => queueUnavailable('The job queue did not confirm the job in time; try again shortly.'));
}
