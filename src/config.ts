import { z } from 'zod';
import { parseApiKeys, type ApiKey } from './api-keys.js';
import type { Backoff } from './backoff.js';
import { usableCores } from './cpu-cores.js';
import type { RedisEndpoint } from './redis-connection.js';

const MIB = 1024 * 1024;

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

const boolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Every setting the service reads, with the environment variable it comes from and its default. */
const environmentSchema = z.object({
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_HEADERS_TIMEOUT_MS: integer(100).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(100).default(30_000),
  // Above the 60 s an nginx upstream (or a cloud load balancer) keeps an idle connection, so the API never closes
  // one the proxy is about to reuse.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(100).default(72_000),
  MODE: z.enum(['all', 'api', 'worker']).default('all'),
  QUEUE: z.enum(['memory', 'rabbitmq', 'bullmq']).default('memory'),
  STORE: z.enum(['memory', 'redis']).default('memory'),
  // The nodes of one RabbitMQ cluster, comma-separated: a connection takes the first that answers.
  AMQP_URL: z
    .string()
    .default('amqp://guest:guest@127.0.0.1:5672')
    .transform((value) => value.split(',').map((url) => url.trim()))
    .pipe(z.array(z.string().url('a comma-separated list of amqp:// URLs')).min(1)),
  RABBITMQ_QUEUE_TYPE: z.enum(['quorum', 'classic']).default('quorum'),
  QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .default('ocr.jobs'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('ocr:'),
  REDIS_SENTINELS: z
    .string()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'a comma-separated list of host:port')
    .optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  REDIS_WAIT_REPLICAS: integer(0, 16).optional(),
  // Below the store's 2 s command timeout, which the WAIT counts against.
  REDIS_WAIT_TIMEOUT_MS: integer(1, 1_500).default(500),
  OCR_CONCURRENCY: integer(1, 64).default(Math.min(64, usableCores())),
  OCR_LANGS: z
    .string()
    .regex(/^[a-z_]+(\+[a-z_]+)*(,[a-z_]+(\+[a-z_]+)*)*$/, 'a comma-separated list of language sets such as eng,eng+deu')
    .default('eng'),
  OCR_MAX_LANGUAGE_SETS: integer(1, 64).default(4),
  OCR_WORKER_MAX_JOBS: integer(1).optional(),
  OCR_WORKER_MAX_RSS_MB: integer(64).default(2048),
  MAX_UPLOAD_BYTES: integer(1).default(20 * MIB),
  MAX_IMAGE_PIXELS: integer(1).default(40_000_000),
  MAX_PAGES: integer(1, 10_000).default(200),
  PDF_RENDER_DPI: integer(72, 600).default(300),
  JOB_TIMEOUT_MS: integer(100).default(60_000),
  RENDER_TIMEOUT_MS: integer(100).optional(),
  // PDFium's heap cannot pass 2 GiB.
  RENDER_MEMORY_MB: integer(64, 2048).default(1024),
  JOB_MAX_ATTEMPTS: integer(1, 100).default(3),
  JOB_RETRY_DELAY_MS: integer(1).default(1_000),
  JOB_RETRY_MAX_DELAY_MS: integer(1).default(30_000),
  JOB_STALE_AFTER_MS: integer(1_000).default(600_000),
  SWEEP_INTERVAL_MS: integer(100).default(60_000),
  RESULT_TTL_SECONDS: integer(1).default(86_400),
  SHUTDOWN_TIMEOUT_MS: integer(0).default(30_000),
  WORKER_HEALTH_PORT: integer(0, 65535).default(3001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_KEYS: z
    .string()
    .optional()
    .transform((value, context): ApiKey[] => {
      try {
        return parseApiKeys(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  RATE_LIMIT_MAX: integer(1).default(300),
  RATE_LIMIT_WINDOW_MS: integer(1000).default(60_000),
  CALLBACK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  CALLBACK_ALLOW_PRIVATE: boolean.default(false),
  CALLBACK_MAX_ATTEMPTS: integer(1, 20).default(5),
  CALLBACK_TIMEOUT_MS: integer(100).default(5_000),
  ARCHIVE: z.enum(['pglite', 'postgres', 'off']).optional(),
  ARCHIVE_URL: z
    .string()
    .url()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .optional(),
  ARCHIVE_DIR: z.string().min(1).default('./data/archive'),
  ARCHIVE_RETENTION_DAYS: integer(1).optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Never echoed back in configuration errors; a deployment keeps them in its secrets, not in its plain settings. */
export const SECRET_VARIABLES = new Set(['API_KEYS', 'CALLBACK_SECRET', 'AMQP_URL', 'REDIS_URL', 'ARCHIVE_URL']);

/** The names of every environment variable the service understands. */
export const ENVIRONMENT_VARIABLES = Object.keys(environmentSchema.shape) as (keyof Environment)[];

/**
 * How long an HTTP server waits on a client: for a request's headers, for the whole request (headers and body), and
 * for the next request on an idle keep-alive connection.
 */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

export interface Config {
  http: { port: number; host: string; timeouts: HttpTimeouts };
  mode: Environment['MODE'];
  queue: {
    kind: Environment['QUEUE'];
    /** The broker's addresses, tried in turn. */
    amqpUrls: string[];
    rabbitQueueType: Environment['RABBITMQ_QUEUE_TYPE'];
    name: string;
    maxAttempts: number;
    retryBackoff: Backoff;
  };
  /** Tasks left unfinished this long are checked against the queue, every `intervalMs`. */
  sweep: { staleAfterMs: number; intervalMs: number };
  store: { kind: Environment['STORE']; resultTtlSeconds: number };
  redis: RedisEndpoint & { keyPrefix: string };
  ocr: {
    concurrency: number;
    preloadLanguageSets: string[];
    maxLanguageSets: number;
    jobTimeoutMs: number;
    recycle: { maxJobs: number; maxRssBytes: number };
  };
  /** `maxPages` and `pdfRenderDpi` apply to documents (PDF, multi-page TIFF). */
  limits: { maxUploadBytes: number; maxImagePixels: number; maxPages: number; pdfRenderDpi: number };
  /** How long a document page may take to render or decode, and how much memory its rendering may take. */
  render: { timeoutMs: number; memoryMb: number };
  shutdownTimeoutMs: number;
  workerHealthPort: number;
  logLevel: Environment['LOG_LEVEL'];
  /** No keys: the service is open. */
  apiKeys: ApiKey[];
  rateLimit: { max: number; windowMs: number };
  /** Callbacks are refused at upload while no secret is set to sign them. */
  callbacks: { secret?: string; allowPrivate: boolean; maxAttempts: number; timeoutMs: number };
  /** Where completed texts are kept for search; records older than `retentionDays` are purged (absent: kept). */
  archive: ({ kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string } | { kind: 'off' }) & { retentionDays?: number };
}

/**
 * ARCHIVE, by default the server ARCHIVE_URL names, else the in-process database when one process runs it all;
 * separate API and worker processes cannot share PGlite, so without ARCHIVE_URL they run without an archive.
 */
function archiveSettings(e: Environment): Config['archive'] {
  const kind = e.ARCHIVE ?? (e.ARCHIVE_URL ? 'postgres' : e.MODE === 'all' ? 'pglite' : 'off');
  const retention = e.ARCHIVE_RETENTION_DAYS === undefined ? {} : { retentionDays: e.ARCHIVE_RETENTION_DAYS };
  if (kind === 'off') return { kind, ...retention };
  if (kind === 'postgres') {
    if (!e.ARCHIVE_URL) throw new ConfigError(['ARCHIVE=postgres needs ARCHIVE_URL (postgres://user:password@host:5432/database).']);
    return { kind, url: e.ARCHIVE_URL, ...retention };
  }
  if (e.MODE !== 'all') {
    throw new ConfigError([
      `ARCHIVE=pglite with MODE=${e.MODE}: the in-process archive belongs to one process; set ARCHIVE_URL to a PostgreSQL server shared by the API and the workers, or ARCHIVE=off.`,
    ]);
  }
  return { kind, dir: e.ARCHIVE_DIR, ...retention };
}

/**
 * REDIS_URL alone, or the primary that REDIS_SENTINELS know as REDIS_SENTINEL_NAME (REDIS_URL then gives only the
 * credentials and the database). Behind Sentinel a task's first write waits for one replica unless told otherwise.
 */
function redisEndpoint(e: Environment): RedisEndpoint {
  const waitFor = (replicas: number) => (replicas > 0 ? { replicaAcks: { replicas, timeoutMs: e.REDIS_WAIT_TIMEOUT_MS } } : {});
  if (!e.REDIS_SENTINELS) return { url: e.REDIS_URL, ...waitFor(e.REDIS_WAIT_REPLICAS ?? 0) };
  if (!e.REDIS_SENTINEL_NAME) throw new ConfigError(['REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name the sentinels know the primary by.']);
  const addresses = e.REDIS_SENTINELS.split(',').map((address) => {
    const [host, port] = address.split(':');
    return { host: host!, port: Number(port) };
  });
  return { url: e.REDIS_URL, sentinel: { name: e.REDIS_SENTINEL_NAME, addresses }, ...waitFor(e.REDIS_WAIT_REPLICAS ?? 1) };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once into a typed configuration.
 * Throws a ConfigError that names every bad variable, so start-up stops before anything listens.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (FOO= in a compose file) means "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        const shown = SECRET_VARIABLES.has(name) ? '(hidden)' : JSON.stringify(present[name]);
        return `${name}=${shown}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  if (e.MODE !== 'all' && (e.QUEUE === 'memory' || e.STORE === 'memory')) {
    throw new ConfigError([
      `MODE=${e.MODE} runs the API and the workers as separate processes, which cannot share QUEUE=${e.QUEUE} and STORE=${e.STORE}: set QUEUE=rabbitmq or bullmq and STORE=redis, or MODE=all.`,
    ]);
  }
  if (e.JOB_RETRY_MAX_DELAY_MS < e.JOB_RETRY_DELAY_MS) {
    throw new ConfigError([`JOB_RETRY_MAX_DELAY_MS=${e.JOB_RETRY_MAX_DELAY_MS}: must be at least JOB_RETRY_DELAY_MS (${e.JOB_RETRY_DELAY_MS}).`]);
  }
  if (e.JOB_STALE_AFTER_MS <= e.JOB_TIMEOUT_MS) {
    // A job still being read could be taken for lost.
    throw new ConfigError([`JOB_STALE_AFTER_MS=${e.JOB_STALE_AFTER_MS}: must be longer than JOB_TIMEOUT_MS (${e.JOB_TIMEOUT_MS}).`]);
  }
  if (e.RENDER_TIMEOUT_MS !== undefined && e.RENDER_TIMEOUT_MS > e.JOB_TIMEOUT_MS) {
    // The job's time limit covers the rendering of its pages.
    throw new ConfigError([`RENDER_TIMEOUT_MS=${e.RENDER_TIMEOUT_MS}: must be at most JOB_TIMEOUT_MS (${e.JOB_TIMEOUT_MS}).`]);
  }
  // PDFium holds the document and, decoded, the page's bitmap and the images it draws: a page drawing one image at
  // MAX_IMAGE_PIXELS, rendered at as many pixels, needs up to about 8 bytes a pixel (docs/security.md).
  const renderBytesNeeded = e.MAX_UPLOAD_BYTES + 8 * e.MAX_IMAGE_PIXELS;
  if (e.RENDER_MEMORY_MB * MIB < renderBytesNeeded) {
    throw new ConfigError([
      `RENDER_MEMORY_MB=${e.RENDER_MEMORY_MB}: must be at least ${Math.ceil(renderBytesNeeded / MIB)} with MAX_UPLOAD_BYTES=${e.MAX_UPLOAD_BYTES} and MAX_IMAGE_PIXELS=${e.MAX_IMAGE_PIXELS}: rendering a page holds the document and, decoded, the images it draws.`,
    ]);
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    // The headers are part of the request: Node refuses a server that would wait longer for them than for it all.
    throw new ConfigError([
      `HTTP_HEADERS_TIMEOUT_MS=${e.HTTP_HEADERS_TIMEOUT_MS}: must be at most HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}).`,
    ]);
  }
  if (e.QUEUE === 'bullmq' && e.QUEUE_NAME.includes(':')) {
    throw new ConfigError([`QUEUE_NAME=${JSON.stringify(e.QUEUE_NAME)}: BullMQ queue names cannot contain ":".`]);
  }
  return {
    http: {
      port: e.PORT,
      host: e.HOST,
      timeouts: { headersMs: e.HTTP_HEADERS_TIMEOUT_MS, requestMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    },
    mode: e.MODE,
    queue: {
      kind: e.QUEUE,
      amqpUrls: e.AMQP_URL,
      rabbitQueueType: e.RABBITMQ_QUEUE_TYPE,
      name: e.QUEUE_NAME,
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      retryBackoff: { initialMs: e.JOB_RETRY_DELAY_MS, maxMs: e.JOB_RETRY_MAX_DELAY_MS },
    },
    sweep: { staleAfterMs: e.JOB_STALE_AFTER_MS, intervalMs: e.SWEEP_INTERVAL_MS },
    store: { kind: e.STORE, resultTtlSeconds: e.RESULT_TTL_SECONDS },
    redis: { ...redisEndpoint(e), keyPrefix: e.REDIS_KEY_PREFIX },
    ocr: {
      concurrency: e.OCR_CONCURRENCY,
      preloadLanguageSets: e.OCR_LANGS.split(','),
      maxLanguageSets: e.OCR_MAX_LANGUAGE_SETS,
      jobTimeoutMs: e.JOB_TIMEOUT_MS,
      // By count only when asked: replacing workers every few hundred jobs left the process larger than keeping
      // them; the memory bound is the safety net.
      recycle: { maxJobs: e.OCR_WORKER_MAX_JOBS ?? Number.POSITIVE_INFINITY, maxRssBytes: e.OCR_WORKER_MAX_RSS_MB * 1024 * 1024 },
    },
    limits: { maxUploadBytes: e.MAX_UPLOAD_BYTES, maxImagePixels: e.MAX_IMAGE_PIXELS, maxPages: e.MAX_PAGES, pdfRenderDpi: e.PDF_RENDER_DPI },
    render: { timeoutMs: e.RENDER_TIMEOUT_MS ?? e.JOB_TIMEOUT_MS, memoryMb: e.RENDER_MEMORY_MB },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    workerHealthPort: e.WORKER_HEALTH_PORT,
    logLevel: e.LOG_LEVEL,
    apiKeys: e.API_KEYS,
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS },
    callbacks: {
      ...(e.CALLBACK_SECRET ? { secret: e.CALLBACK_SECRET } : {}),
      allowPrivate: e.CALLBACK_ALLOW_PRIVATE,
      maxAttempts: e.CALLBACK_MAX_ATTEMPTS,
      timeoutMs: e.CALLBACK_TIMEOUT_MS,
    },
    archive: archiveSettings(e),
  };
}
