import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitForPort } from './ports.js';
import { freePort } from './service.js';

/** Debian's rabbitmq-server scripts, run as they are (the wrappers in /usr/sbin would switch user). */
const BIN = '/usr/lib/rabbitmq/bin';
/** The CLI and the nodes read the Erlang cookie every node of this machine shares from here. */
const COOKIE_HOME = '/var/lib/rabbitmq';

export interface RabbitNode {
  /** `name@localhost`, as rabbitmqctl names it. */
  name: string;
  url: string;
  /** Stops the node (SIGTERM: RabbitMQ shuts down cleanly) and resolves once it has. */
  stop(): Promise<void>;
}

export interface RabbitCluster {
  nodes: RabbitNode[];
  /** `rabbitmqctl -n <node> …`, on the first node that still runs unless one is named; resolves with its output. */
  rabbitmqctl(args: string[], node?: string): Promise<string>;
  /** Stops every node and deletes their folders. */
  stop(): Promise<void>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { env }, (error, stdout, stderr) =>
      error ? reject(new Error(`${path.basename(command)} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

/**
 * Joins to the first node any node that booted alone (on a busy machine one can give up waiting for the first):
 * a queue declared before every node is in the cluster would be replicated on fewer of them.
 */
async function joinStragglers(names: string[], rabbitmqctl: (args: string[], node: string) => Promise<string>): Promise<void> {
  const [first] = names as [string];
  const status = JSON.parse(await rabbitmqctl(['cluster_status', '--formatter', 'json'], first)) as { running_nodes: string[] };
  for (const name of names.filter((node) => !status.running_nodes.includes(node))) {
    for (const args of [['stop_app'], ['reset'], ['join_cluster', first], ['start_app']]) await rabbitmqctl(args, name);
  }
}

/**
 * A RabbitMQ cluster of new nodes on this machine, each on ports of its own with its data and logs in a temp
 * folder, beside (never joined to) the broker other tests share. The first node starts, then the others together,
 * and they form the cluster by themselves: each lists the first node (classic peer discovery) and joins it as it
 * boots; one that did not is joined with rabbitmqctl.
 */
export async function startRabbitCluster(size = 3): Promise<RabbitCluster> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'ocr-rabbit-cluster-'));
  const label = `ocr-test-${process.pid}-${Date.now().toString(36)}`;
  const names = Array.from({ length: size }, (_, index) => `${label}-${index + 1}@localhost`);
  const children: ChildProcess[] = [];
  const env = { ...process.env, HOME: COOKIE_HOME, ERL_EPMD_ADDRESS: '127.0.0.1' };

  const startNode = async (name: string, index: number): Promise<RabbitNode> => {
    const dir = path.join(base, `node-${index + 1}`);
    await fs.mkdir(dir);
    const [port, distPort] = [await freePort(), await freePort()];
    const config = [
      `listeners.tcp.local = 127.0.0.1:${port}`,
      'loopback_users = none',
      'cluster_formation.peer_discovery_backend = classic_config',
      `cluster_formation.classic_config.nodes.1 = ${names[0]}`,
      'cluster_formation.discovery_retry_limit = 480',
      'cluster_formation.discovery_retry_interval = 250',
    ];
    await fs.writeFile(path.join(dir, 'rabbitmq.conf'), `${config.join('\n')}\n`);
    await fs.writeFile(path.join(dir, 'rabbitmq-env.conf'), '');
    let output = '';
    const child = spawn(`${BIN}/rabbitmq-server`, [], {
      env: {
        ...env,
        RABBITMQ_NODENAME: name,
        RABBITMQ_NODE_PORT: String(port),
        RABBITMQ_DIST_PORT: String(distPort),
        RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
        RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
        RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
        RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
        RABBITMQ_LOG_BASE: path.join(dir, 'log'),
        RABBITMQ_PID_FILE: path.join(dir, 'pid'),
        ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await waitForPort(port, { timeoutMs: 150_000, gaveUp: () => child.exitCode !== null, describe: () => `${name}:\n${output}` });
    return {
      name,
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  };

  const stopAll = async (nodes: Array<Pick<RabbitNode, 'stop'>>) => {
    await Promise.all(nodes.map((node) => node.stop()));
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fs.rm(base, { recursive: true, force: true });
  };

  // The first node boots alone: nodes that contact it in the middle of its boot can leave it waiting for good.
  const first = await Promise.allSettled([startNode(names[0]!, 0)]);
  const rest = first[0].status === 'fulfilled' ? await Promise.allSettled(names.slice(1).map((name, index) => startNode(name, index + 1))) : [];
  const started = [...first, ...rest];
  const nodes = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await stopAll(nodes);
    throw failure.reason;
  }
  await joinStragglers(names, (args, node) => run(`${BIN}/rabbitmqctl`, ['-q', '-n', node, ...args], env)).catch(async (error: unknown) => {
    await stopAll(nodes);
    throw error;
  });
  const stopped = new Set<string>();
  return {
    nodes: nodes.map((node) => ({
      ...node,
      stop: () => {
        stopped.add(node.name);
        return node.stop();
      },
    })),
    rabbitmqctl: (args, node = names.find((name) => !stopped.has(name))!) => run(`${BIN}/rabbitmqctl`, ['-q', '-n', node, ...args], env),
    stop: () => stopAll(nodes),
  };
}
