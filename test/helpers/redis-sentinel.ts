import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './eventually.js';
import { waitForPort } from './ports.js';
import { freePort } from './service.js';

export interface SentinelSetup {
  /** The name the sentinels know the primary by. */
  name: string;
  /** `host:port,…` of the sentinels, as REDIS_SENTINELS takes them. */
  sentinels: string;
  /** The primary's port at the start. */
  primaryPort: number;
  /**
   * Kills the primary with SIGKILL, waits until the sentinels have promoted the replica, then starts the killed
   * server again as a supervisor would (empty, as it was configured), for the sentinels to make it the new
   * primary's replica. Resolves with how long the promotion took.
   */
  killPrimary(): Promise<{ promotedAfterMs: number }>;
  /** Stops every server and deletes their folders. */
  stop(): Promise<void>;
}

interface Server {
  port: number;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Asks one sentinel about the primary: its fields as a record. */
async function primaryAsSentinelSees(port: number, name: string): Promise<Record<string, string>> {
  const sentinel = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await sentinel.connect();
    const fields = (await sentinel.call('SENTINEL', 'MASTER', name)) as string[];
    return Object.fromEntries(fields.flatMap((value, index) => (index % 2 === 0 ? [[value, fields[index + 1]!]] : [])));
  } finally {
    sentinel.disconnect();
  }
}

/**
 * A Redis primary, one replica and three sentinels on ports of their own (Debian's redis-server and redis-sentinel),
 * with their files in a temp folder, beside the Redis other tests share. The sentinels declare the primary down
 * after 1 s without an answer, and two of them must agree.
 */
export async function startRedisSentinel(name = 'ocr-test'): Promise<SentinelSetup> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'ocr-redis-sentinel-'));
  const servers: Server[] = [];

  const start = async (command: string, args: string[], port: number): Promise<Server> => {
    let output = '';
    const child = spawn(command, args, { cwd: base, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const server: Server = {
      port,
      process: child,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    };
    servers.push(server);
    await waitForPort(port, { timeoutMs: 30_000, gaveUp: () => child.exitCode !== null, describe: () => `${command}:\n${output}` });
    return server;
  };
  const redisServer = (port: number, ...extra: string[]) =>
    start(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dbfilename', `dump-${port}.rdb`, ...extra],
      port,
    );

  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await fs.rm(base, { recursive: true, force: true });
  };

  try {
    const [primaryPort, replicaPort, ...sentinelPorts] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    let primary = await redisServer(primaryPort);
    await redisServer(replicaPort, '--replicaof', '127.0.0.1', String(primaryPort));
    await Promise.all(
      sentinelPorts.map(async (port) => {
        const file = path.join(base, `sentinel-${port}.conf`);
        await fs.writeFile(
          file,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            `dir ${base}`,
            `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
            `sentinel down-after-milliseconds ${name} 1000`,
            `sentinel failover-timeout ${name} 5000`,
            '',
          ].join('\n'),
        );
        return start('redis-sentinel', [file], port);
      }),
    );
    // A failover needs the sentinels to know the replica and each other (they say hello every 2 s).
    await eventually(
      async () => {
        const seen = await Promise.all(sentinelPorts.map((port) => primaryAsSentinelSees(port, name)));
        return seen.every((fields) => fields['num-other-sentinels'] === '2' && fields['num-slaves'] === '1');
      },
      'the sentinels to know the replica and each other',
      30_000,
    );

    return {
      name,
      sentinels: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
      primaryPort: primaryPort,
      async killPrimary() {
        const killed = Date.now();
        await primary.stop('SIGKILL');
        await eventually(
          async () => {
            const seen = await Promise.all(sentinelPorts.map((port) => primaryAsSentinelSees(port, name)));
            return seen.every((fields) => fields.port !== String(primary.port));
          },
          'every sentinel to name the promoted replica',
          30_000,
        );
        const promotedAfterMs = Date.now() - killed;
        primary = await redisServer(primary.port);
        return { promotedAfterMs };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
