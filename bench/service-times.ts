/**
 * The figures the capacity model (bench/capacity.ts) rests on, measured on this machine and written to
 * bench/service-times.json:
 * - a worker process's time and CPU per page: a scanned PDF (scan3.pdf repeated into SERVICE_TIMES_PAGES pages, 20)
 *   read by the stack with one and with two worker processes of one OCR slot each, sharing the cores and then each on
 *   a core of its own (`taskset`), upload to completion, in turns for SERVICE_TIMES_ROUNDS rounds (3), the fastest
 *   round of each counted;
 * - the Redis commands a page costs (counted with MONITOR on the stack's own keys) and Redis's time for them
 *   (INFO commandstats);
 * - the API's CPU and latency per upload (a 65 KB page, one upload at a time, no worker running);
 * - RabbitMQ's confirm of a persistent message the size of an upload;
 * - how long a worker process takes from start to ready, and the memory of the API and of a worker;
 * - the cores a CPU-bound load got between the rounds (the most of them): on a machine shared with other work, fewer
 *   than it has.
 *
 *   npm run build && npx tsx bench/service-times.ts      # needs Redis and RabbitMQ on 127.0.0.1
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { pinWorkersToACoreEach, readDocument, repeatedDocument, type DocumentRun } from './documents.js';
import { upload } from '../test/helpers/client.js';
import { AMQP_URL, REDIS_URL, uniqueName } from '../test/helpers/servers.js';
import { ROOT, startService } from '../test/helpers/service.js';
import { startStack, type Stack } from '../test/helpers/stack.js';

const OUTPUT = path.join(ROOT, 'bench/service-times.json');
const pages = Number(process.env.SERVICE_TIMES_PAGES ?? 20);
const rounds = Number(process.env.SERVICE_TIMES_ROUNDS ?? 3);
const uploads = Number(process.env.SERVICE_TIMES_UPLOADS ?? 200);
const common = { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000', OCR_CONCURRENCY: '1' };

/** CPU time a process has used so far, in ms (Linux's /proc: utime and stime, in ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A process's resident memory now and at its peak, in MB. */
function memoryMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Counts the Redis commands that touch keys under `prefix`, by command, while `run` runs. */
async function redisCommandsDuring<T>(prefix: string, run: () => Promise<T>): Promise<{ result: T; counts: Map<string, number> }> {
  // MONITOR takes a connection of its own; the client that asked for it is closed with it.
  const client = new Redis(REDIS_URL);
  const monitor = await client.monitor();
  const counts = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.startsWith(prefix))) counts.set(args[0]!.toLowerCase(), (counts.get(args[0]!.toLowerCase()) ?? 0) + 1);
  });
  try {
    return { result: await run(), counts };
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
}

/** Redis's own time per call of each command, in µs, from INFO commandstats. */
async function redisMicrosecondsPerCall(): Promise<Map<string, number>> {
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('commandstats');
    return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=\d+,usec=\d+,usec_per_call=([\d.]+)/gm)].map((match) => [match[1]!, Number(match[2])]));
  } finally {
    redis.disconnect();
  }
}

/**
 * The cores this machine gives a CPU-bound load right now: one busy thread per core for two seconds, their CPU time
 * over the wall time. Other work on a shared machine takes its share; the model is checked against what was left.
 */
async function availableCores(): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  const spin = 'const end = Date.now() + 2000; while (Date.now() < end);';
  await Promise.all(
    Array.from({ length: os.availableParallelism() }, () => new Promise((resolve) => new Worker(spin, { eval: true }).once('exit', resolve))),
  );
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000 / (performance.now() - started);
}

interface Reading {
  stack: Stack;
  /** The fastest of the rounds, and what every round cost: pages, worker CPU and the Redis commands by name. */
  best?: DocumentRun;
  pages: number;
  workerCpuMs: number;
  counts: Map<string, number>;
  /** A worker's memory after the rounds. */
  workerMemory?: { rss: number; peak: number };
}

/**
 * The document read `rounds` times by the stack with one and with two worker processes, sharing the cores and then on
 * a core each, in turns, so a machine busy with other work slows them alike; the fastest round of each counts, since
 * other work only ever slows a round.
 */
async function readInTurns(document: Awaited<ReturnType<typeof repeatedDocument>>): Promise<{ readings: Reading[]; cores: number }> {
  const readings: Reading[] = [];
  let cores = 0;
  try {
    for (const pinned of [false, true]) {
      for (const processes of [1, 2]) {
        const stack = await startStack({ queue: 'rabbitmq', workers: processes, env: common });
        if (pinned) pinWorkersToACoreEach(stack);
        readings.push({ stack, pages: 0, workerCpuMs: 0, counts: new Map() });
      }
    }
    for (let round = 0; round < rounds; round++) {
      cores = Math.max(cores, await availableCores());
      for (const reading of readings) {
        const { stack } = reading;
        const before = stack.workers.map((worker) => cpuMs(worker.process.pid!));
        const { result: run, counts } = await redisCommandsDuring(stack.env.REDIS_KEY_PREFIX!, () =>
          readDocument(`${stack.workers.length} worker processes`, stack.api.url, document),
        );
        reading.workerCpuMs += stack.workers.reduce((sum, worker, index) => sum + cpuMs(worker.process.pid!) - before[index]!, 0);
        reading.pages += run.pages;
        for (const [command, count] of counts) reading.counts.set(command, (reading.counts.get(command) ?? 0) + count);
        if (!reading.best || run.wallMs < reading.best.wallMs) reading.best = run;
      }
    }
    for (const reading of readings) reading.workerMemory = memoryMb(reading.stack.workers[0]!.process.pid!);
    return { readings, cores };
  } finally {
    await Promise.all(readings.map(({ stack }) => stack.stop()));
  }
}

/** The API alone: CPU and latency per upload, one at a time, its memory after them, and a worker's start. */
async function measureApi(image: Buffer) {
  const stack: Stack = await startStack({ queue: 'rabbitmq', workers: 0, env: common });
  try {
    const pid = stack.api.process.pid!;
    for (let i = 0; i < 50; i++) await upload(stack.api.url, image);
    const before = cpuMs(pid);
    const latencies: number[] = [];
    for (let i = 0; i < uploads; i++) {
      const started = performance.now();
      const { status } = await upload(stack.api.url, image);
      if (status !== 202) throw new Error(`upload answered ${status}`);
      latencies.push(performance.now() - started);
    }
    const apiCpuMsPerUpload = (cpuMs(pid) - before) / uploads;
    const apiMemory = memoryMb(pid);
    const started = performance.now();
    const worker = await startService({ ...stack.env, ...common, MODE: 'worker' });
    const workerReadySeconds = (performance.now() - started) / 1000;
    // The uploads' jobs are left to the stack's stop, which deletes its queues and keys.
    await worker.stop();
    return { apiCpuMsPerUpload, uploadP50Ms: median(latencies), apiMemory, workerReadySeconds };
  } finally {
    await stack.stop();
  }
}

/** The process listening on a TCP port of this machine (Linux's /proc: the socket's inode, then its owner's fds). */
function listenerOf(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((table) => fs.readFileSync(table, 'utf8').split('\n').slice(1))
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A')
      .map((fields) => `socket:[${fields[9]}]`),
  );
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (fs.readdirSync(`/proc/${pid}/fd`).some((fd) => inodes.has(fs.readlinkSync(`/proc/${pid}/fd/${fd}`)))) return Number(pid);
    } catch {
      // a process that ended, or one not ours to read
    }
  }
  throw new Error(`nothing listens on port ${port}`);
}

/**
 * RabbitMQ's publisher confirm of a persistent message of `bytes`, one at a time: the median wait, and the broker's
 * CPU per message (the whole broker's, so other work on it counts against it), in ms.
 */
async function measureConfirm(bytes: number): Promise<{ confirmMs: number; cpuMsPerMessage: number }> {
  const connection = await amqp.connect(AMQP_URL);
  const queue = uniqueName('confirm');
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    const body = Buffer.alloc(bytes, 1);
    const waits: number[] = [];
    const brokerPid = listenerOf(Number(new URL(AMQP_URL).port || 5672));
    let before = 0;
    for (let i = 0; i < 300; i++) {
      if (i === 50) before = cpuMs(brokerPid);
      const started = performance.now();
      channel.sendToQueue(queue, body, { persistent: true });
      await channel.waitForConfirms();
      waits.push(performance.now() - started);
    }
    const cpuMsPerMessage = (cpuMs(brokerPid) - before) / 250;
    await channel.deleteQueue(queue);
    return { confirmMs: median(waits.slice(50)), cpuMsPerMessage };
  } finally {
    await connection.close();
  }
}

const image = fs.readFileSync(path.join(ROOT, 'test/fixtures/scan.png'));
const document = await repeatedDocument(pages);
const api = await measureApi(image);
const broker = await measureConfirm(image.length);
const {
  readings: [one, two, onePinned, twoPinned],
  cores,
} = (await readInTurns(document)) as { readings: [Reading, Reading, Reading, Reading]; cores: number };
const perCall = await redisMicrosecondsPerCall();
const commands = [...one.counts].reduce((sum, [, count]) => sum + count, 0);
const redisMicroseconds = [...one.counts].reduce((sum, [command, count]) => sum + count * (perCall.get(command) ?? 0), 0);
const pagesPerSecond = (run: { pages: number; wallMs: number }) => run.pages / (run.wallMs / 1000);

const figures = {
  machine: { cores: os.availableParallelism(), availableCores: cores, node: process.version, loadAverage: os.loadavg()[0] },
  document: { pages, rounds, uploadBytes: image.length },
  pagesPerSecond: {
    oneWorker: pagesPerSecond(one.best!),
    twoWorkers: pagesPerSecond(two.best!),
    oneWorkerOnACore: pagesPerSecond(onePinned.best!),
    twoWorkersOnACoreEach: pagesPerSecond(twoPinned.best!),
  },
  worker: {
    secondsPerPage: one.best!.wallMs / 1000 / pages,
    cpuSecondsPerPage: one.workerCpuMs / 1000 / one.pages,
    readySeconds: api.workerReadySeconds,
    rssMb: one.workerMemory!.rss,
    peakRssMb: one.workerMemory!.peak,
  },
  api: { cpuMsPerUpload: api.apiCpuMsPerUpload, uploadP50Ms: api.uploadP50Ms, rssMb: api.apiMemory.rss, peakRssMb: api.apiMemory.peak },
  broker,
  redis: { commandsPerPage: commands / one.pages, microsecondsPerPage: redisMicroseconds / one.pages, commands: Object.fromEntries(one.counts) },
};
fs.writeFileSync(OUTPUT, `${JSON.stringify(figures, null, 2)}\n`);
console.log(JSON.stringify(figures, null, 2));
