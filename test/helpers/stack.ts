import { deleteTopology } from '../../src/queue/rabbitmq/index.js';
import { AMQP_URL, deleteRedisKeys, REDIS_URL, uniqueName } from './servers.js';
import { startService, type RunningService } from './service.js';

export interface StackOptions {
  queue: 'rabbitmq' | 'bullmq';
  workers?: number;
  /** The broker address the processes use (a TCP proxy in outage tests); the real one otherwise. */
  amqpUrl?: string;
  /** The Redis address the processes use (a TCP proxy in outage tests); the real one otherwise. */
  redisUrl?: string;
  /** Settings for every process of the stack. */
  env?: Record<string, string>;
  /** Node's arguments for the API process (a benchmark adds `--cpu-prof`); API_SERVICE_ARGS by default. */
  apiArgs?: string[];
}

export interface Stack {
  api: RunningService;
  workers: RunningService[];
  /** The settings every process got, with the stack's own queue name and Redis key prefix. */
  env: Record<string, string>;
  /** Stops every process that still runs, then deletes the stack's queues and keys. */
  stop(): Promise<void>;
}

/**
 * The distributed stack as separate processes: one `MODE=api` and N `MODE=worker`, on the real Redis and
 * RabbitMQ (or BullMQ), with a queue name and key prefix of their own. Workers run one job at a time.
 */
export async function startStack({ queue, workers = 2, amqpUrl = AMQP_URL, redisUrl = REDIS_URL, env = {}, apiArgs }: StackOptions): Promise<Stack> {
  const name = uniqueName('e2e');
  const common: Record<string, string> = {
    QUEUE: queue,
    STORE: 'redis',
    AMQP_URL: amqpUrl,
    REDIS_URL: redisUrl,
    QUEUE_NAME: name,
    REDIS_KEY_PREFIX: `${name}:`,
    OCR_CONCURRENCY: '1',
    ...env,
  };
  const started: RunningService[] = [];
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
    if (queue === 'rabbitmq') await deleteTopology(AMQP_URL, name);
    await deleteRedisKeys(common.REDIS_KEY_PREFIX!);
  };
  const outcomes = await Promise.allSettled(
    [{ ...common, MODE: 'api' }, ...Array.from({ length: workers }, () => ({ ...common, MODE: 'worker' }))].map((settings) =>
      startService(settings, settings.MODE === 'api' && apiArgs ? { args: apiArgs } : {}).then((service) => {
        started.push(service);
        return service;
      }),
    ),
  );
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  const [api, ...rest] = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<RunningService>).value);
  return { api: api!, workers: rest, env: common, stop };
}
