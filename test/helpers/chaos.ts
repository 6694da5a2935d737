import { performance } from 'node:perf_hooks';
import { CHAOS_RENDER_TIMEOUT_MS, hostileUploads, stallUploads, type HostileUpload } from './chaos-hostile.js';
import { renderTextImage } from './images.js';
import { AMQP_URL, countRedisKeys, createTestDatabase, REDIS_URL, redisPatternLiteral, type TestDatabase } from './servers.js';
import { logRecords, startService, type RunningService } from './service.js';
import { startStack } from './stack.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * One dependency going away while uploads pour in. `proxy` cuts every connection to it at a TCP proxy and
 * refuses new ones (safe beside other users of the server); `restart` restarts the real RabbitMQ with
 * rabbitmqctl (for `npm run chaos` on a machine of its own).
 */
export interface Outage {
  dependency: 'rabbitmq' | 'redis';
  how: 'proxy' | 'restart';
  /** It starts as this upload is sent (so always in the middle of the stream, however fast uploads go). */
  atUpload: number;
  /** How long a proxy cut lasts (a restart takes what it takes). */
  durationMs: number;
}

export interface ChaosOptions {
  queue?: 'rabbitmq' | 'bullmq';
  uploads: number;
  workers: number;
  /** Jobs each worker runs at once. */
  workerConcurrency?: number;
  /** A random worker is killed with SIGKILL and replaced this often; never when absent. */
  killEveryMs?: number;
  outages: Outage[];
  uploadConcurrency: number;
  /** How long to wait for every accepted task to end after the last upload. */
  settleTimeoutMs: number;
  /** Every this many uploads, one is hostile (a bomb, a broken page tree, a slow page, a bad field) in turn. */
  hostileEvery?: number;
  /** Uploads that stall half-way through their body for the whole run, to be cut by the server. */
  stalledUploads?: number;
  /** Archive completed texts in a PostgreSQL database of the run's own, and count them there. */
  archive?: boolean;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  accepted: number;
  completed: number;
  failed: number;
  /** Accepted but never completed nor failed. */
  lost: number;
  /** Tasks with more than one stored completion. */
  duplicated: number;
  /** Completed with text that is not the text of the uploaded image. */
  wrongText: number;
  /** 503 answers while a dependency was away (each retried with the same Idempotency-Key). */
  refusedWhileDown: number;
  /** Completed tasks that took more than one attempt (an outage should cost none; a killed worker costs one). */
  retried: number;
  /** Hostile uploads answered as they must be (refused with their status and code, or failed with their code). */
  hostileAsExpected?: number;
  /** Hostile uploads answered any other way. */
  hostileUnexpected?: number;
  /** Stalled uploads the server cut. */
  stalledCut?: number;
  /** Completed texts in the archive, completed texts missing from it, and archived tasks that did not complete. */
  archived?: number;
  notArchived?: number;
  archivedNotCompleted?: number;
  workersKilled: number;
  seconds: number;
  /**
   * BullMQ only: job images still in Redis once every task ended. A failed job keeps its image; a worker killed
   * between a job's completion and the deletion of its image leaves that one behind.
   */
  imagesLeft?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function restartBroker(): Promise<void> {
  const { execFile } = await import('node:child_process');
  const run = (args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile('rabbitmqctl', args, (error) => (error ? reject(new Error(`rabbitmqctl ${args.join(' ')} failed`, { cause: error })) : resolve())),
    );
  await run(['stop_app']);
  await run(['start_app']);
}

/** Starts the outage and resolves when it is over. */
async function runOutage(outage: Outage, proxies: Record<Outage['dependency'], TcpProxy>): Promise<void> {
  if (outage.how === 'restart') {
    if (outage.dependency !== 'rabbitmq') throw new Error('only RabbitMQ is restarted for real; cut Redis at its proxy');
    await restartBroker();
    return;
  }
  const proxy = proxies[outage.dependency];
  await proxy.cut();
  await sleep(outage.durationMs);
  await proxy.restore();
}

/**
 * Uploads through API → queue (RabbitMQ or BullMQ) → workers → Redis while workers are killed and replaced
 * and dependencies go away, then counts what happened to every accepted upload.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const log = options.log ?? (() => undefined);
  const queue = options.queue ?? 'rabbitmq';
  const proxies = { rabbitmq: await startTcpProxy(AMQP_URL), redis: await startTcpProxy(REDIS_URL) };
  const database: TestDatabase | undefined = options.archive ? await createTestDatabase('chaos') : undefined;
  const hostile: HostileUpload[] = options.hostileEvery ? await hostileUploads() : [];
  const hostileAt = (index: number): HostileUpload | undefined =>
    options.hostileEvery && index % options.hostileEvery === options.hostileEvery - 1
      ? hostile[Math.floor(index / options.hostileEvery) % hostile.length]
      : undefined;
  const stack = await startStack({
    queue,
    workers: options.workers,
    amqpUrl: proxies.rabbitmq.url,
    redisUrl: proxies.redis.url,
    env: {
      JOB_MAX_ATTEMPTS: '5',
      RATE_LIMIT_MAX: '1000000',
      LOG_LEVEL: 'info',
      OCR_CONCURRENCY: String(options.workerConcurrency ?? 1),
      ...(options.hostileEvery && { RENDER_TIMEOUT_MS: String(CHAOS_RENDER_TIMEOUT_MS), CALLBACK_SECRET: 'chaos-callback-secret-0123456789' }),
      ...(database && { ARCHIVE: 'postgres', ARCHIVE_URL: database.url }),
    },
  });
  const stalled = options.stalledUploads ? stallUploads(stack.api.url, options.stalledUploads) : undefined;
  const allWorkers: RunningService[] = [...stack.workers];
  let liveWorkers: RunningService[] = [...stack.workers];
  const started = performance.now();

  const texts = Array.from({ length: 25 }, (_, i) => `Chaos parcel ${4100 + i * 7}`);
  const images = await Promise.all(texts.map((text) => renderTextImage(text)));
  const accepted = new Map<number, string>();
  /** What each hostile upload was answered at the door: its status, and its error code when refused. */
  const hostileAnswers = new Map<number, { status: number; code?: string }>();
  let refusedWhileDown = 0;
  let workersKilled = 0;

  // Kills go on until every accepted upload has ended; a replacement starts at once, beside the survivors.
  let killing = true;
  const replacements: Promise<void>[] = [];
  const killer = (async () => {
    const killEveryMs = options.killEveryMs;
    while (killing && killEveryMs) {
      await sleep(killEveryMs);
      // Kill only at full strength: with a replacement still warming up, a kill would starve the queue, not test it.
      if (!killing || liveWorkers.length < options.workers) continue;
      const victim = liveWorkers[Math.floor(Math.random() * liveWorkers.length)]!;
      liveWorkers = liveWorkers.filter((worker) => worker !== victim);
      await victim.stop('SIGKILL');
      workersKilled += 1;
      replacements.push(
        startService({ ...stack.env, MODE: 'worker' }).then((replacement) => {
          allWorkers.push(replacement);
          liveWorkers.push(replacement);
        }),
      );
    }
  })();

  const outages: Promise<void>[] = [];
  const uploadOne = async (index: number): Promise<void> => {
    const hostileUpload = hostileAt(index);
    const form = () => {
      const body = new FormData();
      for (const [name, value] of Object.entries(hostileUpload?.fields ?? {})) body.append(name, value);
      if (hostileUpload) body.append('file', new Blob([hostileUpload.file]), hostileUpload.fileName);
      else body.append('file', new Blob([images[index % images.length]!]), 'scan.png');
      return body;
    };
    for (;;) {
      const response = await fetch(`${stack.api.url}/upload`, {
        method: 'POST',
        body: form(),
        headers: { 'idempotency-key': `chaos-${index}` },
      }).catch(() => undefined);
      if (response?.status === 202) {
        accepted.set(index, ((await response.json()) as { task_id: string }).task_id);
        if (hostileUpload) hostileAnswers.set(index, { status: 202 });
        return;
      }
      if (hostileUpload && response && response.status !== 503) {
        const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
        hostileAnswers.set(index, { status: response.status, code: body.error?.code });
        return;
      }
      await response?.body?.cancel();
      if (response?.status === 503) refusedWhileDown += 1;
      await sleep(200);
    }
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: options.uploadConcurrency }, async () => {
      while (next < options.uploads) {
        const index = next;
        next += 1;
        for (const outage of options.outages.filter(({ atUpload }) => atUpload === index)) {
          log(`${outage.dependency} outage (${outage.how}) after ${accepted.size} uploads`);
          outages.push(runOutage(outage, proxies));
        }
        await uploadOne(index);
        if (index % 250 === 0) log(`${index} uploads accepted so far`);
      }
    }),
  );
  await Promise.all(outages);
  log(`all ${accepted.size} uploads accepted; waiting for them to end`);

  const outcome = new Map<number, Record<string, any>>();
  const deadline = Date.now() + options.settleTimeoutMs;
  const pending = () => [...accepted.entries()].filter(([index]) => !['completed', 'failed'].includes(outcome.get(index)?.status));
  while (pending().length > 0 && Date.now() < deadline) {
    const batch = pending().slice(0, 50);
    await Promise.all(
      batch.map(async ([index, id]) => {
        const response = await fetch(`${stack.api.url}/result/${id}?wait=5`).catch(() => undefined);
        if (response?.status === 200) outcome.set(index, (await response.json()) as Record<string, any>);
        else await response?.body?.cancel();
      }),
    );
  }

  killing = false;
  await killer;
  await Promise.all(replacements);

  const completions = new Map<string, number>();
  for (const worker of allWorkers) {
    for (const record of logRecords(worker.logs())) {
      if (record.msg === 'job completed') completions.set(String(record.task_id), (completions.get(String(record.task_id)) ?? 0) + 1);
    }
  }
  /** What the workers logged of a task, in order, for a task that ended up where it should not. */
  const taskLog = (taskId: string): string =>
    allWorkers
      .flatMap((worker) =>
        logRecords(worker.logs())
          .filter((record) => record.task_id === taskId)
          .map((record) => `${String(record.msg)}${record.attempt ? ` (attempt ${Number(record.attempt)})` : ''}`),
      )
      .join(' / ') || 'nothing';
  const results = [...accepted.keys()].map((index) => ({ index, body: outcome.get(index) }));
  const missingFromArchive: string[] = [];
  const ordinary = results.filter(({ index }) => !hostileAt(index));
  for (const { index, body } of results) {
    if (body?.status === 'completed' || body?.status === 'failed') continue;
    const taskId = accepted.get(index)!;
    log(`lost: task ${taskId} is ${body?.status ?? 'unread'}; worker log: ${taskLog(taskId)}`);
  }
  const figures: ChaosFigures = {
    accepted: accepted.size,
    completed: ordinary.filter(({ body }) => body?.status === 'completed').length,
    failed: ordinary.filter(({ body }) => body?.status === 'failed').length,
    lost: results.filter(({ body }) => body?.status !== 'completed' && body?.status !== 'failed').length,
    duplicated: [...completions.values()].filter((count) => count > 1).length,
    wrongText: ordinary.filter(
      ({ index, body }) => body?.status === 'completed' && !String(body.result?.text).includes(texts[index % texts.length]!.split(' ')[2]!),
    ).length,
    refusedWhileDown,
    retried: ordinary.filter(({ body }) => body?.status === 'completed' && body.attempts > 1).length,
    ...(options.hostileEvery && hostileFigures(hostileAnswers, outcome, hostileAt)),
    ...(stalled && { stalledCut: await stalledCut(stalled) }),
    ...(database && (await archiveFigures(database, ordinary, (id) => missingFromArchive.push(id)))),
    workersKilled,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    ...(queue === 'bullmq' && {
      imagesLeft: await countRedisKeys(`${redisPatternLiteral(`${stack.env.REDIS_KEY_PREFIX}bull:${stack.env.QUEUE_NAME}:`)}*:image`),
    }),
  };
  if (missingFromArchive.length > 0) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    const outbox = await redis.lrange(`${stack.env.REDIS_KEY_PREFIX}archive-outbox`, 0, -1);
    for (const id of missingFromArchive) {
      const status = await redis.hget(`${stack.env.REDIS_KEY_PREFIX}job:${id}`, 'status');
      log(`not archived: task ${id} (${status}, ${outbox.includes(id) ? 'still in' : 'not in'} the outbox); worker log: ${taskLog(id)}`);
    }
    log(`outbox: ${outbox.length} entries left`);
    redis.disconnect();
    for (const worker of liveWorkers) {
      const metrics = await (await fetch(`${worker.url}/metrics`)).text();
      log(
        `a live worker's archive writes: ${metrics
          .split('\n')
          .filter((line) => line.startsWith('ocr_archive_writes_total'))
          .join(', ')}`,
      );
    }
  }
  await stack.stop();
  await Promise.all(allWorkers.map((worker) => worker.stop('SIGKILL')));
  await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
  await database?.drop();
  return figures;
}

/** How the hostile uploads were answered: each as it must be, at the door or as its task's failure. */
function hostileFigures(
  answers: Map<number, { status: number; code?: string }>,
  outcome: Map<number, Record<string, any>>,
  hostileAt: (index: number) => HostileUpload | undefined,
): Pick<ChaosFigures, 'hostileAsExpected' | 'hostileUnexpected'> {
  let asExpected = 0;
  for (const [index, answer] of answers) {
    const { expected } = hostileAt(index)!;
    const code = answer.status === 202 ? outcome.get(index)?.error?.code : answer.code;
    if (answer.status === expected.status && code === expected.code) asExpected += 1;
  }
  return { hostileAsExpected: asExpected, hostileUnexpected: answers.size - asExpected };
}

/** Waits for the server to cut the stalled uploads (its request timeout, plus room), then drops what is left. */
async function stalledCut(stalled: ReturnType<typeof stallUploads>): Promise<number> {
  const giveUp = setTimeout(() => stalled.abandon(), 60_000);
  const cut = await stalled.closedByServer;
  clearTimeout(giveUp);
  return cut;
}

/** Counts the archive's texts against the completed tasks, once the archiver has caught up (or a minute has passed). */
async function archiveFigures(
  database: TestDatabase,
  ordinary: Array<{ body?: Record<string, any> }>,
  reportMissing: (taskId: string) => void,
): Promise<Pick<ChaosFigures, 'archived' | 'notArchived' | 'archivedNotCompleted'>> {
  const { default: pg } = await import('pg');
  const completed = new Set(ordinary.filter(({ body }) => body?.status === 'completed').map(({ body }) => String(body!.task_id)));
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    let archived = new Set<string>();
    const deadline = Date.now() + 60_000;
    do {
      archived = new Set((await client.query<{ task_id: string }>('SELECT task_id FROM archive_texts')).rows.map((row) => row.task_id));
      if ([...completed].every((id) => archived.has(id))) break;
      await sleep(1_000);
    } while (Date.now() < deadline);
    for (const id of completed) if (!archived.has(id)) reportMissing(id);
    return {
      archived: [...completed].filter((id) => archived.has(id)).length,
      notArchived: [...completed].filter((id) => !archived.has(id)).length,
      archivedNotCompleted: [...archived].filter((id) => !completed.has(id)).length,
    };
  } finally {
    await client.end();
  }
}
