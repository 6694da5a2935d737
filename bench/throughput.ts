/**
 * `npm run bench`: throughput per core, in one run and one table, each OCR row against raw tesseract.js on the
 * same images with the same number of warm workers:
 * - the native `tesseract` CLI, one process per image (when it is installed);
 * - raw tesseract.js (PSM 3, its automatic layout, on the original image), and again reading each page as one block
 *   (PSM 6, the service's mode for a page in one column), which costs tesseract more: it reads pages PSM 3 gives up on;
 * - the service (`MODE=all`, archiving every text in its embedded PGlite) with its default pipeline, and with
 *   `preprocess=false`;
 * - the distributed stack: API → RabbitMQ → one worker process → Redis;
 * - one dense A4 page at 300 dpi, raw and through the service;
 * - ingest: uploads per second of a 65 KB PNG by 64 concurrent clients to `MODE=api` on both transports, with
 *   every accepted upload counted in the queue, and the API's CPU time per upload (what a busy machine skews least);
 * - added latency: end to end minus the recognition time, one job at a time.
 *
 *   npm run bench                      # images from ../shared/corpus, or generated ones when it is absent
 *   CORPUS_DIR=/path BENCH_IMAGES=30 npm run bench
 *   BENCH_ROUNDS=1 npm run bench       # each OCR row reads the images once instead of five times (quicker, noisier)
 *   BENCH_ONLY=ingest npm run bench    # one part: ocr, ingest or latency
 *   BENCH_ONLY=memory npm run bench    # the worker's memory over BENCH_MEMORY_JOBS (5,000) jobs, on its own
 *   BENCH_ONLY=memory BENCH_MEMORY_TRACE=1 npm run bench   # also prints the JavaScript heap beside each reading
 *   BENCH_ONLY=documents npm run bench # pages per second of a scanned multi-page PDF (bench/documents.ts)
 *   BENCH_ONLY=ingest BENCH_INGEST_QUEUES=rabbitmq BENCH_PROFILE_DIR=/tmp/prof npm run bench   # one transport, with a CPU profile of the API
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { createScheduler, createWorker, OEM } from 'tesseract.js';
import { Pool, type Dispatcher } from 'undici';
import { createLanguageCatalog } from '../src/ocr/engine/languages.js';
import { runDocumentsBench } from './documents.js';
import { PSM_AUTO, PSM_SINGLE_BLOCK } from '../src/ocr/reading/page-segmentation.js';
import { multipart, upload, waitForResult } from '../test/helpers/client.js';
import { characterErrorRate } from '../test/helpers/error-rate.js';
import { renderTextImage } from '../test/helpers/images.js';
import { AMQP_URL, REDIS_URL } from '../test/helpers/servers.js';
import { API_SERVICE_ARGS, ROOT, startService } from '../test/helpers/service.js';
import { startStack } from '../test/helpers/stack.js';

interface Sample {
  image: Buffer;
  text: string;
}

interface OcrRun {
  label: string;
  unit: 'images' | 'pages';
  count: number;
  wallMs: number;
  /** CPU time of every process the reading used: this one (the engine, or the load generator) and the reader's. */
  cpuMs: number;
  texts: string[];
}

const workers = Number(process.env.OCR_CONCURRENCY ?? os.availableParallelism());
const corpusDir = process.env.CORPUS_DIR ?? path.resolve(ROOT, '../shared/corpus');
const densePage = path.resolve(ROOT, '../shared/corpus2/docs/dense1.png');
const limit = Number(process.env.BENCH_IMAGES ?? 50);
/**
 * Times each OCR row reads the images: one pass of the corpus is 4 to 10 seconds, whose share of raw moved by five
 * points and more from run to run (the machine's drift, and the last slow page finishing on one thread alone); on a
 * slower machine one round read the default pipeline at 74 % of raw where three rounds read 61 %.
 */
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const denseCopies = Number(process.env.BENCH_DENSE_PAGES ?? 2 * workers);
const ingestSeconds = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
const INGEST_CLIENTS = 64;
const only = process.env.BENCH_ONLY;
/** The memory run takes minutes: it runs only when asked for by name. */
const runs = (part: 'ocr' | 'ingest' | 'latency' | 'memory' | 'documents') =>
  part === 'memory' ? only === part : only === undefined || only === part;
const memoryJobs = Number(process.env.BENCH_MEMORY_JOBS ?? 5000);

function loadSamples(): Promise<Sample[]> | Sample[] {
  if (fs.existsSync(corpusDir)) {
    return fs
      .readdirSync(corpusDir)
      .filter((file) => /\.(png|jpe?g)$/.test(file) && !fs.existsSync(path.join(corpusDir, file.replace(/\.\w+$/, '.lang'))))
      .sort()
      .slice(0, limit)
      .map((file) => ({
        image: fs.readFileSync(path.join(corpusDir, file)),
        text: fs.readFileSync(path.join(corpusDir, file.replace(/\.\w+$/, '.txt')), 'utf8'),
      }));
  }
  return Promise.all(
    Array.from({ length: limit }, async (_, i) => {
      const text = `Benchmark page ${i}: the quick brown fox jumps over the lazy dog.\nInvoice ${1000 + i}, total ${(i * 13.7).toFixed(2)} EUR.`;
      return { image: await renderTextImage(text), text };
    }),
  );
}

/** Runs `task` over `items`, at most `concurrency` at a time, keeping the order of the answers. */
async function inParallel<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const answers: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        answers[index] = await task(items[index]!);
      }
    }),
  );
  return answers;
}

/**
 * One way of reading the images, set up and warm, which the benchmark times pass after pass. Every OCR run, raw
 * tesseract.js and the service alike, reads its images once before it is timed (why: above openRaw).
 */
interface Reader {
  label: string;
  unit: OcrRun['unit'];
  /** Reads the reader's images once, answering their texts in order. */
  pass(): Promise<string[]>;
  /** The processes besides this one that the reading runs in (the service's, the broker's), for their CPU time. */
  pids: number[];
  close(): Promise<void>;
}

/**
 * Times the readers in turn, one pass each per round: the machine's speed drifts over minutes, and in turns the
 * drift falls on every reader alike instead of on whichever ran last.
 */
async function timeInTurns(readers: Reader[], count: number): Promise<Map<Reader, OcrRun>> {
  const runs = new Map(
    readers.map((reader): [Reader, OcrRun] => [reader, { label: reader.label, unit: reader.unit, count: 0, wallMs: 0, cpuMs: 0, texts: [] }]),
  );
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (const [reader, run] of runs) {
        const cpuUsed = () => cpuMsOf('self', { waitedChildren: true }) + cpuMsOfAll(reader.pids);
        const [started, cpuBefore] = [performance.now(), cpuUsed()];
        const texts = await reader.pass();
        run.wallMs += performance.now() - started;
        run.cpuMs += cpuUsed() - cpuBefore;
        run.count += count;
        run.texts.push(...texts);
      }
    }
    return runs;
  } finally {
    await Promise.all(readers.map((reader) => reader.close()));
  }
}

async function openNativeCli(images: Buffer[]): Promise<Reader | undefined> {
  const found = await promisify(execFile)('which', ['tesseract']).catch(() => undefined);
  if (!found) return undefined;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-bench-'));
  const files = images.map((image, i) => {
    const file = path.join(folder, `${i}.png`);
    fs.writeFileSync(file, image);
    return file;
  });
  // One thread per process, or each process would take every core.
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  return {
    label: `native tesseract CLI, ${workers} processes`,
    unit: 'images',
    pass: () => inParallel(files, workers, async (file) => (await promisify(execFile)('tesseract', [file, 'stdout', '--psm', '3'], { env })).stdout),
    pids: [],
    close: async () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}

/**
 * Every OCR run, the raw engine and the service alike, reads its images once before it is timed: a fresh process
 * compiles its hot code (V8's JIT, the WASM tiers of tesseract and PGlite) as each kind of page first comes, and
 * what is measured is the steady state a process in service runs at. Eight pages had warmed the runs until
 * 2026-12-05; they were the corpus's first eight, clean pages all, which left the service's paths for small,
 * inverted, noisy and skewed pages (the enlargement, the median, the turn) to compile in the first timed pass.
 */
async function openRaw(images: Buffer[], label: string, unit: OcrRun['unit'], psm = PSM_AUTO): Promise<Reader> {
  const { langPath } = createLanguageCatalog();
  const scheduler = createScheduler();
  for (let i = 0; i < workers; i += 1) {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
    await worker.setParameters({ tessedit_pageseg_mode: String(psm) as never });
    scheduler.addWorker(worker);
  }
  const read = (batch: Buffer[]) =>
    Promise.all(batch.map(async (image) => ((await scheduler.addJob('recognize', image)) as { data: { text: string } }).data.text));
  await read(images);
  return { label, unit, pass: () => read(images), pids: [], close: () => scheduler.terminate() };
}

/**
 * Uploads every image at once (the queue keeps the workers busy) and waits for each text, long-polling. The forms
 * are encoded once, ahead, and every request goes over kept-alive connections of one pool, so the load generator
 * takes as little of the cores it shares with the service as it can.
 */
async function serviceReader(baseUrl: string, images: Buffer[], fields: Record<string, string> = {}) {
  const pool = new Pool(baseUrl, { connections: 256 });
  const encode = (batch: Buffer[]) => Promise.all(batch.map((image) => multipart({ ...fields, file: new Blob([image], { type: 'image/png' }) })));
  const read = (forms: Awaited<ReturnType<typeof encode>>) =>
    Promise.all(
      forms.map(async ({ payload: body, headers }) => {
        const answer = await pool.request({ method: 'POST', path: '/upload', body, headers });
        const { task_id: taskId } = (await answer.body.json()) as { task_id: string };
        for (;;) {
          const poll = await pool.request({ method: 'GET', path: `/result/${taskId}?wait=20` });
          const task = (await poll.body.json()) as { status: string; result?: { text: string } };
          if (task.status === 'completed' || task.status === 'failed') return task.result?.text ?? '';
        }
      }),
    );
  const forms = await encode(images);
  await read(forms);
  return { pass: () => read(forms), close: () => pool.close() };
}

/** The service as `npm start` runs it, with its embedded archive (PGlite) writing every text. */
async function openService(images: Buffer[], label: string, unit: OcrRun['unit'], fields: Record<string, string> = {}): Promise<Reader> {
  const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-bench-archive-'));
  const service = await startService({
    OCR_CONCURRENCY: String(workers),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '1000000',
    ARCHIVE: 'pglite',
    ARCHIVE_DIR: archiveDir,
  });
  const reader = await serviceReader(service.url, images, fields);
  return {
    label,
    unit,
    pass: reader.pass,
    pids: [service.process.pid!],
    async close() {
      await reader.close();
      await service.stop();
      fs.rmSync(archiveDir, { recursive: true, force: true });
    },
  };
}

async function openStack(images: Buffer[]): Promise<Reader> {
  const stack = await startStack({
    queue: 'rabbitmq',
    workers: 1,
    env: { OCR_CONCURRENCY: String(workers), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' },
  });
  const reader = await serviceReader(stack.api.url, images);
  return {
    label: `API → RabbitMQ → 1 worker process (${workers} slots) → Redis`,
    unit: 'images',
    pass: reader.pass,
    pids: [stack.api, ...stack.workers].map((service) => service.process.pid!).concat(pidsOf('redis-server'), pidsOf('beam.smp')),
    async close() {
      await reader.close();
      await stack.stop();
    },
  };
}

/** A 65 KB PNG of noise: it decodes like a photo and compresses like one. */
function ingestImage(): Promise<Buffer> {
  return sharp({ create: { width: 148, height: 148, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .png()
    .toBuffer();
}

interface IngestFigures {
  transport: string;
  accepted: number;
  perSecond: number;
  p50Ms: number;
  /**
   * CPU time (user + system) per accepted upload, of the API process, of the servers it writes to (RabbitMQ and
   * Redis, or Redis alone for BullMQ) and of this load generator: the figures a busy machine skews least, and
   * together what bounds the rate the machine can sustain.
   */
  cpuMsPerUpload: { api: number; servers: number; client: number };
  inQueue: number;
}

/**
 * CPU time a process has used so far, in ms, from /proc (Linux); NaN elsewhere. With `waitedChildren`, also that of
 * the children it has waited for (the native CLI's processes, for this one).
 */
function cpuMsOf(pid: number | 'self', { waitedChildren = false } = {}): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of the line, then cutime and cstime, counted in clock ticks (100 a second on Linux).
    const ticks = Number(fields[11]) + Number(fields[12]) + (waitedChildren ? Number(fields[13]) + Number(fields[14]) : 0);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The processes named `command` (as /proc/<pid>/comm gives it), on Linux; none elsewhere. */
function pidsOf(command: string): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

const cpuMsOfAll = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0);

async function runIngest(queue: 'rabbitmq' | 'bullmq', image: Buffer): Promise<IngestFigures> {
  // BENCH_PROFILE_DIR=/path writes a CPU profile of the API process there (node --cpu-prof).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const stack = await startStack({
    queue,
    workers: 0,
    env: { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000' },
    ...(profileDir && { apiArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...API_SERVICE_ARGS] }),
  });
  const apiPid = stack.api.process.pid!;
  const { payload: body, headers } = await multipart({ file: new Blob([image], { type: 'image/png' }) });
  const pool = new Pool(stack.api.url, { connections: INGEST_CLIENTS });
  const latencies: number[] = [];
  let accepted = 0;
  try {
    const deadline = performance.now() + ingestSeconds * 1000;
    const started = performance.now();
    const serverPids = [...pidsOf('redis-server'), ...(queue === 'rabbitmq' ? pidsOf('beam.smp') : [])];
    const cpuBefore = { api: cpuMsOf(apiPid), servers: cpuMsOfAll(serverPids), client: cpuMsOf('self') };
    await Promise.all(
      Array.from({ length: INGEST_CLIENTS }, async () => {
        while (performance.now() < deadline) {
          const sent = performance.now();
          const answer = await pool.request({ method: 'POST', path: '/upload', body, headers });
          await answer.body.dump();
          if (answer.statusCode === 202) {
            accepted += 1;
            latencies.push(performance.now() - sent);
          }
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const perUpload = (ms: number) => ms / accepted;
    return {
      transport: queue,
      accepted,
      perSecond: accepted / elapsedS,
      p50Ms: percentile(latencies, 50),
      cpuMsPerUpload: {
        api: perUpload(cpuMsOf(apiPid) - cpuBefore.api),
        servers: perUpload(cpuMsOfAll(serverPids) - cpuBefore.servers),
        client: perUpload(cpuMsOf('self') - cpuBefore.client),
      },
      inQueue: await countQueued(queue, stack.env),
    };
  } finally {
    await pool.close();
    await stack.stop();
  }
}

/** Jobs waiting in the stack's queue, read from the broker itself. */
async function countQueued(queue: 'rabbitmq' | 'bullmq', env: Record<string, string>): Promise<number> {
  if (queue === 'rabbitmq') {
    const connection = await amqp.connect(AMQP_URL);
    try {
      return (await (await connection.createChannel()).checkQueue(env.QUEUE_NAME!)).messageCount;
    } finally {
      await connection.close();
    }
  }
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.llen(`${env.REDIS_KEY_PREFIX}bull:${env.QUEUE_NAME}:wait`);
  } finally {
    redis.disconnect();
  }
}

/** Jobs of a small blank page that warm a fresh process before latency is measured: a server in service is warm. */
const LATENCY_WARM_UP_JOBS = 300;

/**
 * End to end minus the reported recognition time, one job at a time, with `preprocess=false`: the upload, then
 * `GET /result/:id?wait=` until it ends, over one kept-alive connection with the form encoded once, so the figure
 * is the service's and not the client library's. A fresh process runs its code unoptimised at first (V8 compiles
 * what runs often), so a few hundred jobs of a blank page go through the whole path before it is measured.
 */
async function runAddedLatency(image: Buffer, jobs = 100): Promise<{ p50: number; p99: number }> {
  const service = await startService({ OCR_CONCURRENCY: String(workers), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' });
  const client = new Pool(service.url, { connections: 1 });
  const readJson = async (answer: Dispatcher.ResponseData) => (await answer.body.json()) as Record<string, any>;
  const oneJob = async ({ payload, headers }: { payload: Buffer; headers: Record<string, string> }): Promise<number> => {
    const sent = performance.now();
    const { task_id: taskId } = await readJson(await client.request({ method: 'POST', path: '/upload', body: payload, headers }));
    for (;;) {
      const body = await readJson(await client.request({ method: 'GET', path: `/result/${taskId as string}?wait=20` }));
      if (body.status === 'completed') return performance.now() - sent - (body.result.timings.recognition_ms as number);
      if (body.status === 'failed') throw new Error(`latency job failed: ${JSON.stringify(body.error)}`);
    }
  };
  const formOf = async (bytes: Buffer) => multipart({ preprocess: 'false', file: new Blob([bytes], { type: 'image/png' }) });
  const added: number[] = [];
  try {
    const blank = await formOf(
      await sharp({ create: { width: 64, height: 32, channels: 3, background: '#ffffff' } })
        .png()
        .toBuffer(),
    );
    for (let i = 0; i < LATENCY_WARM_UP_JOBS; i += 1) await oneJob(blank);
    const form = await formOf(image);
    for (let i = 0; i < jobs; i += 1) added.push(await oneJob(form));
  } finally {
    await client.close();
    await service.stop();
  }
  return { p50: percentile(added, 50), p99: percentile(added, 99) };
}

/** The process's resident memory, as its own `/metrics` reports it. */
async function residentBytes(baseUrl: string): Promise<number> {
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  if (process.env.BENCH_MEMORY_TRACE)
    console.log(
      metrics
        .split('\n')
        .filter((line) => /^ocr_(process_resident|nodejs_heap_size_used|nodejs_external)/.test(line))
        .join(' | '),
    );
  return Number(/^ocr_process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1] ?? NaN);
}

/**
 * The worker's memory over many jobs (the corpus images in turn, `preprocess=false` so the run is about the
 * engine's heap): resident memory after a warm-up of 200 jobs, and at the end.
 */
async function runMemory(images: Buffer[]): Promise<{ warmMb: number; endMb: number; peakMb: number; jobs: number }> {
  const service = await startService({ OCR_CONCURRENCY: String(workers), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000' });
  let warm = 0;
  let peak = 0;
  let done = 0;
  try {
    const jobs = Array.from({ length: memoryJobs }, (_, i) => images[i % images.length]!);
    await inParallel(jobs, workers * 2, async (image) => {
      const { body } = await upload(service.url, image, { preprocess: 'false' });
      await waitForResult(service.url, body.task_id as string);
      // Read and deleted, as a client done with it would: the in-process store's results are not the worker's memory.
      await (await fetch(`${service.url}/result/${body.task_id as string}`, { method: 'DELETE' })).body?.cancel();
      done += 1;
      if (done === 200) warm = await residentBytes(service.url);
      if (done % 250 === 0) peak = Math.max(peak, await residentBytes(service.url));
    });
    const end = await residentBytes(service.url);
    const mb = (bytes: number) => bytes / 1024 / 1024;
    return { warmMb: mb(warm), endMb: mb(end), peakMb: mb(Math.max(peak, end)), jobs: done };
  } finally {
    await service.stop();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Pages a row read no text at all from, in a pass: raw tesseract.js at PSM 3 returns nothing for pages whose layout
 * it cannot make out (small, noisy or skewed text), which is time it does not spend.
 */
const emptyPerPass = (run: OcrRun) => run.texts.filter((text) => text.trim() === '').length / rounds;

const meanCer = (truths: string[], texts: string[]) =>
  truths.reduce((sum, truth, i) => sum + characterErrorRate(truth, texts[i] ?? ''), 0) / Math.max(1, truths.length);

const samples = await loadSamples();
const images = samples.map((sample) => sample.image);
/** The texts of every round's pass, in order. */
const truths = Array.from({ length: rounds }, () => samples.map((sample) => sample.text)).flat();
console.log(
  `${os.availableParallelism()} cores; ${samples.length} images from ${fs.existsSync(corpusDir) ? corpusDir : 'generated pages'}, each OCR row reading them ${rounds} times; ${workers} OCR workers everywhere`,
);

if (runs('ocr')) {
  const nativeReader = await openNativeCli(images);
  if (!nativeReader) console.log('native tesseract CLI: not installed (apt-get install tesseract-ocr), row skipped');
  const rawReader = await openRaw(images, `raw tesseract.js, ${workers} warm workers, PSM 3`, 'images');
  // What tesseract.js costs reading each page as one block, the mode the service reads a page in one column with
  // (and every page with preprocess=false): it reads pages that PSM 3 gives up on.
  const rawBlockReader = await openRaw(images, `raw tesseract.js, ${workers} warm workers, PSM 6`, 'images', PSM_SINGLE_BLOCK);
  const pipelineReader = await openService(images, 'the service, MODE=all, default pipeline', 'images');
  const untouchedReader = await openService(images, 'the service, preprocess=false', 'images', { preprocess: 'false' });
  const stackReader = await openStack(images);
  const corpusRuns = await timeInTurns(
    [nativeReader, rawReader, rawBlockReader, pipelineReader, untouchedReader, stackReader].filter((reader) => reader !== undefined),
    images.length,
  );
  const [raw, pipeline, stack] = [rawReader, pipelineReader, stackReader].map((reader) => corpusRuns.get(reader)!);

  let denseRuns: OcrRun[] = [];
  if (fs.existsSync(densePage)) {
    const dense = Array.from({ length: denseCopies }, () => fs.readFileSync(densePage));
    const denseRawReader = await openRaw(dense, 'dense A4 page at 300 dpi, raw tesseract.js', 'pages');
    const denseServiceReader = await openService(dense, 'dense A4 page at 300 dpi, the service', 'pages');
    denseRuns = [...(await timeInTurns([denseRawReader, denseServiceReader], dense.length)).values()];
  }
  const denseTruth = fs.existsSync(densePage) ? fs.readFileSync(densePage.replace(/\.png$/, '.txt'), 'utf8') : '';

  const perSecond = (run: OcrRun) => run.count / (run.wallMs / 1000);
  const rows = [...corpusRuns.values(), ...denseRuns].map((run) => {
    const base = run.unit === 'pages' ? denseRuns[0]! : run === stack ? pipeline! : raw!;
    const reference = run.unit === 'pages' ? run.texts.map(() => denseTruth) : truths;
    return {
      run: run.label,
      [`per second`]: `${perSecond(run).toFixed(2)} ${run.unit}`,
      share: `${((perSecond(run) / perSecond(base)) * 100).toFixed(0)} % of ${base === pipeline ? 'MODE=all' : 'raw'}`,
      'CPU ms each': (run.cpuMs / run.count).toFixed(0),
      'CPU share': `${((base.cpuMs / base.count / (run.cpuMs / run.count)) * 100).toFixed(0)} %`,
      'mean CER': `${(meanCer(reference, run.texts) * 100).toFixed(1)} %`,
      'read empty': `${emptyPerPass(run)} of ${run.count / rounds}`,
    };
  });
  console.table(rows);
}

if (runs('ingest')) {
  const ingestImageBytes = await ingestImage();
  const transports = (process.env.BENCH_INGEST_QUEUES ?? 'rabbitmq,bullmq').split(',') as Array<'rabbitmq' | 'bullmq'>;
  const ingest: IngestFigures[] = [];
  for (const transport of transports) ingest.push(await runIngest(transport, ingestImageBytes));
  console.table(
    ingest.map(({ transport, accepted, perSecond: rate, p50Ms, cpuMsPerUpload: cpu, inQueue }) => ({
      [`ingest (${Math.round(ingestImageBytes.length / 1024)} KB PNG, ${INGEST_CLIENTS} clients, ${ingestSeconds} s)`]: transport,
      'uploads/s': rate.toFixed(0),
      'p50 ms': p50Ms.toFixed(0),
      'CPU ms/upload: API': cpu.api.toFixed(2),
      'broker, Redis': cpu.servers.toFixed(2),
      'load generator': cpu.client.toFixed(2),
      // The machine's CPU time in a second, over the time all three spend on one upload: the rate it could sustain.
      'cores allow': ((os.availableParallelism() * 1000) / (cpu.api + cpu.servers + cpu.client)).toFixed(0),
      accepted,
      'in the queue': inQueue,
    })),
  );
}
if (runs('latency')) {
  const latency = await runAddedLatency(images[0]!);
  console.log(
    `added latency (end to end minus recognition, one job at a time, preprocess=false): p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
  );
}

if (runs('memory')) {
  const memory = await runMemory(images);
  console.log(
    `worker memory over ${memory.jobs} jobs: ${memory.warmMb.toFixed(0)} MB after 200, ${memory.endMb.toFixed(0)} MB at the end ` +
      `(${(((memory.endMb - memory.warmMb) / memory.warmMb) * 100).toFixed(1)} %), peak ${memory.peakMb.toFixed(0)} MB`,
  );
}

if (runs('documents')) await runDocumentsBench({ workers });
