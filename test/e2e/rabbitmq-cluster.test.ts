import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { topologyNames } from '../../src/queue/rabbitmq/index.js';
import { startRabbitCluster } from '../helpers/rabbitmq-cluster.js';
import { missingServers } from '../helpers/servers.js';
import { startStack } from '../helpers/stack.js';
import { completedTwice, streamUploads } from '../helpers/upload-stream.js';

/** Seconds since `from`, to one decimal. */
const since = (from: number) => Math.round((performance.now() - from) / 100) / 10;

describe.skipIf(await missingServers('redis'))('the service on a RabbitMQ cluster of three nodes', () => {
  it('declares quorum queues, and loses no job and runs none twice when the node leading the work queue stops', { timeout: 180_000 }, async () => {
    const started = performance.now();
    const cluster = await startRabbitCluster(3);
    const phases: Record<string, number> = { cluster: since(started) };
    try {
      const stack = await startStack({
        queue: 'rabbitmq',
        workers: 2,
        amqpUrl: cluster.nodes.map((node) => node.url).join(','),
        env: { RATE_LIMIT_MAX: '1000000' },
      });
      phases.stack = since(started);
      try {
        const names = topologyNames(stack.env.QUEUE_NAME!);
        const queues = new Map(
          (await cluster.rabbitmqctl(['list_queues', '--no-table-headers', 'name', 'type', 'members']))
            .trim()
            .split('\n')
            .map((line): [string, string[]] => {
              const [name = '', ...rest] = line.split('\t');
              return [name, rest];
            }),
        );
        for (const name of [names.work, names.retries[0]!, names.dead]) expect(queues.get(name)?.[0], name).toBe('quorum');
        expect(queues.get(names.work)?.[1]?.split(',')).toHaveLength(3);

        let stopped = '';
        const figures = await streamUploads({
          apiUrl: stack.api.url,
          uploads: 300,
          concurrency: 6,
          settleTimeoutMs: 60_000,
          atUpload: {
            index: 150,
            run: async () => {
              const leaders = await cluster.rabbitmqctl(['list_queues', '--no-table-headers', 'name', 'leader']);
              const leader = leaders
                .split('\n')
                .map((line) => line.split('\t'))
                .find(([name]) => name === names.work)?.[1];
              const node = cluster.nodes.find(({ name }) => name === leader);
              if (!node) throw new Error(`no node leads ${names.work}: ${leaders}`);
              stopped = node.name;
              await node.stop();
            },
          },
        });
        phases.uploads = since(started);
        console.log(`RabbitMQ cluster, ${stopped} stopped at upload 150:`, JSON.stringify({ ...figures, phases }));
        expect(stopped).not.toBe('');
        expect(figures).toMatchObject({ accepted: 300, completed: 300, failed: 0, unfinished: [] });
        expect(completedTwice(stack.workers)).toBe(0);
      } finally {
        await stack.stop();
      }
    } finally {
      await cluster.stop();
      console.log(`RabbitMQ cluster test: ${since(started)} s in all`);
    }
  });
});
