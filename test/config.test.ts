import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('works with nothing set, as `npm start` on a fresh clone', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      http: { port: 3000, host: '0.0.0.0' },
      mode: 'all',
      queue: { kind: 'memory', maxAttempts: 3 },
      store: { kind: 'memory', resultTtlSeconds: 86_400 },
      ocr: { concurrency: os.availableParallelism(), preloadLanguageSets: ['eng'], maxLanguageSets: 4, jobTimeoutMs: 60_000 },
      limits: { maxUploadBytes: 20 * 1024 * 1024, maxImagePixels: 40_000_000, maxPages: 200, pdfRenderDpi: 300 },
    });
  });

  it('reads and converts every variable it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      MODE: 'worker',
      QUEUE: 'rabbitmq',
      STORE: 'redis',
      OCR_CONCURRENCY: '4',
      OCR_LANGS: 'eng,eng+deu',
      MAX_UPLOAD_BYTES: '1048576',
      JOB_TIMEOUT_MS: '5000',
      REDIS_KEY_PREFIX: 'test:',
    });
    expect(config.http.port).toBe(8080);
    expect(config.mode).toBe('worker');
    expect(config.ocr).toMatchObject({ concurrency: 4, preloadLanguageSets: ['eng', 'eng+deu'], jobTimeoutMs: 5000 });
    expect(config.limits.maxUploadBytes).toBe(1_048_576);
    expect(config.redis.keyPrefix).toBe('test:');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).http.port).toBe(3000);
  });

  it('names every bad variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', MODE: 'both', OCR_CONCURRENCY: '0', OCR_LANGS: 'eng;deu' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const { problems, message } = caught as ConfigError;
    expect(problems).toHaveLength(4);
    for (const name of ['PORT="eighty"', 'MODE="both"', 'OCR_CONCURRENCY="0"', 'OCR_LANGS="eng;deu"']) expect(message).toContain(name);
  });

  it('takes a list of broker addresses and quorum queues by default', () => {
    expect(loadConfig({}).queue).toMatchObject({ amqpUrls: ['amqp://guest:guest@127.0.0.1:5672'], rabbitQueueType: 'quorum' });
    const config = loadConfig({ AMQP_URL: 'amqp://a:5672, amqp://b:5673', RABBITMQ_QUEUE_TYPE: 'classic' });
    expect(config.queue).toMatchObject({ amqpUrls: ['amqp://a:5672', 'amqp://b:5673'], rabbitQueueType: 'classic' });
    expect(() => loadConfig({ AMQP_URL: 'amqp://a:5672,nowhere' })).toThrow(/AMQP_URL=\(hidden\): a comma-separated list of amqp:\/\/ URLs/);
    expect(() => loadConfig({ RABBITMQ_QUEUE_TYPE: 'mirrored' })).toThrow(/RABBITMQ_QUEUE_TYPE="mirrored"/);
  });

  it('finds Redis through Sentinel, waiting for one replica by default there and for none without it', () => {
    expect(loadConfig({}).redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'ocr:' });
    const config = loadConfig({ REDIS_SENTINELS: 'a:26379,b:26380', REDIS_SENTINEL_NAME: 'ocr', REDIS_URL: 'redis://:secret@x/2' });
    expect(config.redis).toEqual({
      url: 'redis://:secret@x/2',
      keyPrefix: 'ocr:',
      sentinel: {
        name: 'ocr',
        addresses: [
          { host: 'a', port: 26379 },
          { host: 'b', port: 26380 },
        ],
      },
      replicaAcks: { replicas: 1, timeoutMs: 500 },
    });
    expect(loadConfig({ REDIS_WAIT_REPLICAS: '2', REDIS_WAIT_TIMEOUT_MS: '800' }).redis.replicaAcks).toEqual({ replicas: 2, timeoutMs: 800 });
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:26379' })).toThrow(/REDIS_SENTINELS needs REDIS_SENTINEL_NAME/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a' })).toThrow(/REDIS_SENTINELS="a": a comma-separated list of host:port/);
  });

  it('refuses separate API and worker processes on the in-process queue', () => {
    expect(() => loadConfig({ MODE: 'api' })).toThrow(/MODE=api .*QUEUE=rabbitmq or bullmq/);
  });

  it('reads the retry back-off and the sweep for lost jobs, and refuses settings that contradict each other', () => {
    expect(loadConfig({}).queue.retryBackoff).toEqual({ initialMs: 1_000, maxMs: 30_000 });
    expect(loadConfig({}).sweep).toEqual({ staleAfterMs: 600_000, intervalMs: 60_000 });
    expect(loadConfig({ JOB_RETRY_DELAY_MS: '500', JOB_RETRY_MAX_DELAY_MS: '4000' }).queue.retryBackoff).toEqual({ initialMs: 500, maxMs: 4_000 });
    expect(() => loadConfig({ JOB_RETRY_DELAY_MS: '5000', JOB_RETRY_MAX_DELAY_MS: '4000' })).toThrow(/JOB_RETRY_MAX_DELAY_MS=4000/);
    // A job still being read must never look lost.
    expect(() => loadConfig({ JOB_TIMEOUT_MS: '60000', JOB_STALE_AFTER_MS: '30000' })).toThrow(
      /JOB_STALE_AFTER_MS=30000: must be longer than JOB_TIMEOUT_MS/,
    );
  });

  it('reads the HTTP server timeouts, 30 s for a whole request by default, and refuses headers allowed longer than the request', () => {
    expect(loadConfig({}).http.timeouts).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 72_000 });
    expect(
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '90000' }).http.timeouts,
    ).toEqual({ headersMs: 2_000, requestMs: 5_000, keepAliveMs: 90_000 });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS=20000: must be at most HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it('bounds the rendering of document pages: within the job’s time limit by default, with room for a page at MAX_IMAGE_PIXELS', () => {
    expect(loadConfig({}).render).toEqual({ timeoutMs: 60_000, memoryMb: 1024 });
    expect(loadConfig({ JOB_TIMEOUT_MS: '20000' }).render.timeoutMs).toBe(20_000);
    expect(loadConfig({ RENDER_TIMEOUT_MS: '5000', RENDER_MEMORY_MB: '512' }).render).toEqual({ timeoutMs: 5_000, memoryMb: 512 });
    expect(() => loadConfig({ JOB_TIMEOUT_MS: '10000', RENDER_TIMEOUT_MS: '20000' })).toThrow(
      /RENDER_TIMEOUT_MS=20000: must be at most JOB_TIMEOUT_MS \(10000\)/,
    );
    expect(() => loadConfig({ RENDER_MEMORY_MB: '256' })).toThrow(
      /RENDER_MEMORY_MB=256: must be at least 326 with MAX_UPLOAD_BYTES=20971520 and MAX_IMAGE_PIXELS=40000000/,
    );
    expect(loadConfig({ RENDER_MEMORY_MB: '256', MAX_IMAGE_PIXELS: '25000000' }).render.memoryMb).toBe(256);
    expect(() => loadConfig({ RENDER_MEMORY_MB: '4096' })).toThrow(/RENDER_MEMORY_MB="4096"/);
  });

  it('refuses a BullMQ queue name that BullMQ cannot take', () => {
    expect(() => loadConfig({ QUEUE: 'bullmq', QUEUE_NAME: 'ocr:jobs' })).toThrow(/QUEUE_NAME="ocr:jobs"/);
    expect(loadConfig({ QUEUE: 'rabbitmq', QUEUE_NAME: 'ocr:jobs' }).queue.name).toBe('ocr:jobs');
  });
});

describe('loadConfig: keys, limits and callbacks', () => {
  it('parses API keys and callback settings', () => {
    const config = loadConfig({
      API_KEYS: 'alice:alice-key-0123456789abcdef',
      CALLBACK_SECRET: 'a-secret-of-some-length',
      CALLBACK_ALLOW_PRIVATE: 'true',
      RATE_LIMIT_MAX: '5',
    });
    expect(config.apiKeys.map((key) => key.name)).toEqual(['alice']);
    expect(config.callbacks).toMatchObject({ secret: 'a-secret-of-some-length', allowPrivate: true, maxAttempts: 5 });
    expect(config.rateLimit.max).toBe(5);
    expect(loadConfig({}).apiKeys).toEqual([]);
    expect(loadConfig({}).callbacks.allowPrivate).toBe(false);
  });

  it('names a bad key list without printing the keys', () => {
    expect(() => loadConfig({ API_KEYS: 'alice:short-secret' })).toThrow(/API_KEYS=\(hidden\)/);
    expect(() => loadConfig({ API_KEYS: 'alice:short-secret' })).not.toThrow(/short-secret/);
    expect(() => loadConfig({ CALLBACK_ALLOW_PRIVATE: 'yes' })).toThrow(/CALLBACK_ALLOW_PRIVATE="yes"/);
  });

  it('picks the archive: PGlite for one process, PostgreSQL from ARCHIVE_URL, off for separate processes without it', () => {
    expect(loadConfig({}).archive).toEqual({ kind: 'pglite', dir: './data/archive' });
    expect(loadConfig({ ARCHIVE_URL: 'postgres://u:p@db:5432/ocr', ARCHIVE_RETENTION_DAYS: '30' }).archive).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/ocr',
      retentionDays: 30,
    });
    expect(loadConfig({ MODE: 'worker', QUEUE: 'rabbitmq', STORE: 'redis' }).archive).toEqual({ kind: 'off' });
    expect(() => loadConfig({ MODE: 'api', QUEUE: 'rabbitmq', STORE: 'redis', ARCHIVE: 'pglite' })).toThrow(/ARCHIVE=pglite with MODE=api/);
    expect(() => loadConfig({ ARCHIVE: 'postgres' })).toThrow(/needs ARCHIVE_URL/);
    expect(() => loadConfig({ ARCHIVE_URL: 'mysql://secret@db/x' })).toThrow(/ARCHIVE_URL=\(hidden\)/);
  });
});
