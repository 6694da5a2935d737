import { describe, expect, it } from 'vitest';
import { topologyNames } from '../../src/queue/rabbitmq/index.js';
import { runThroughFailover } from '../helpers/failover-run.js';
import { startRabbitCluster, type RabbitCluster } from '../helpers/rabbitmq-cluster.js';
import { missingServers } from '../helpers/servers.js';

/** `rabbitmqctl list_queues` of the given columns, by queue name. */
async function listQueues(cluster: RabbitCluster, columns: string[]): Promise<Map<string, string[]>> {
  const output = await cluster.rabbitmqctl(['list_queues', '--no-table-headers', 'name', ...columns]);
  return new Map(
    output
      .trim()
      .split('\n')
      .map((line): [string, string[]] => {
        const [name = '', ...rest] = line.split('\t');
        return [name, rest];
      }),
  );
}

describe.skipIf(await missingServers('redis'))('the service on a RabbitMQ cluster of three nodes', () => {
  it('declares quorum queues, and loses no job and runs none twice when the node leading the work queue stops', { timeout: 300_000 }, async () => {
    const run = await runThroughFailover({
      start: () => startRabbitCluster(3),
      stack: (cluster) => ({ queue: 'rabbitmq', amqpUrl: cluster.nodes.map((node) => node.url).join(','), env: { RATE_LIMIT_MAX: '1000000' } }),
      fail: async (cluster, stack) => {
        const names = topologyNames(stack.env.QUEUE_NAME!);
        const queues = await listQueues(cluster, ['type', 'members', 'leader']);
        // In the default configuration every queue of the service is a quorum queue, the work queue on every node.
        expect([names.work, names.retries[0]!, names.dead].map((name) => queues.get(name)?.[0])).toEqual(['quorum', 'quorum', 'quorum']);
        expect(queues.get(names.work)?.[1]?.split(',')).toHaveLength(3);
        const node = cluster.nodes.find(({ name }) => name === queues.get(names.work)?.[2]);
        if (!node) throw new Error(`no node leads ${names.work}`);
        await node.stop();
        return { stopped: node.name };
      },
      uploads: 300,
      atUpload: 150,
    });
    console.log('RabbitMQ cluster, the work queue leader stopped at upload 150:', JSON.stringify(run));
    expect(run).toMatchObject({ accepted: 300, completed: 300, failed: 0, unfinished: [], completedTwice: 0 });
  });
});
