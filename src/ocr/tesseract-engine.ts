import { performance } from 'node:perf_hooks';
import { createWorker, OEM, type PSM, type Worker } from 'tesseract.js';
import type { Logger } from 'pino';
import { AppError, isAppError } from '../errors.js';
import type { OcrEngine, Recognition, RecognizeRequest } from './engine.js';
import type { LanguageCatalog } from './languages.js';

/** tesseract.js's own default: one uniform block of text. */
export const DEFAULT_PSM = 6;

export interface TesseractEngineOptions {
  catalog: LanguageCatalog;
  /** Warm tesseract workers per language set; one recognition runs on each at a time. */
  workersPerLanguageSet: number;
  /** A recognition still running after this is abandoned and its tesseract worker replaced. */
  jobTimeoutMs: number;
  logger: Logger;
}

interface PooledWorker {
  worker: Worker;
  /** The progress callback of the job this worker is running now. */
  onProgress?: (fraction: number) => void;
}

interface WorkerPool {
  acquire(): Promise<PooledWorker>;
  release(pooled: PooledWorker): void;
  /** Terminates a worker that failed or timed out; the pool makes a fresh one when next needed. */
  discard(pooled: PooledWorker): void;
  close(): Promise<void>;
}

function createWorkerPool(lang: string, size: number, spawn: () => Promise<PooledWorker>): WorkerPool {
  const idle: PooledWorker[] = [];
  const busy = new Set<PooledWorker>();
  const waiting: Array<{ resolve: (pooled: PooledWorker) => void; reject: (error: unknown) => void }> = [];
  let starting = 0;

  const grow = async (): Promise<PooledWorker> => {
    starting += 1;
    try {
      const pooled = await spawn();
      busy.add(pooled);
      return pooled;
    } finally {
      starting -= 1;
    }
  };

  const serveNextWaiter = (): void => {
    const waiter = waiting.shift();
    if (!waiter) return;
    const pooled = idle.pop();
    if (pooled) {
      busy.add(pooled);
      waiter.resolve(pooled);
    } else {
      grow().then(waiter.resolve, waiter.reject);
    }
  };

  return {
    async acquire() {
      const pooled = idle.pop();
      if (pooled) {
        busy.add(pooled);
        return pooled;
      }
      if (busy.size + starting < size) return grow();
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    release(pooled) {
      busy.delete(pooled);
      idle.push(pooled);
      serveNextWaiter();
    },
    discard(pooled) {
      busy.delete(pooled);
      void pooled.worker.terminate();
      serveNextWaiter();
    },
    async close() {
      const error = new AppError('WORKER_SHUTDOWN', `The OCR pool for ${lang} is closing.`);
      for (const waiter of waiting.splice(0)) waiter.reject(error);
      await Promise.all([...idle.splice(0), ...busy].map((pooled) => pooled.worker.terminate()));
      busy.clear();
    },
  };
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => AppError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An OcrEngine over warm tesseract.js workers: one pool per language set (workers in a pool must be
 * identical), created on first use or at warm-up and reused for every later job.
 */
export function createTesseractEngine(options: TesseractEngineOptions): OcrEngine {
  const { catalog, workersPerLanguageSet, jobTimeoutMs, logger } = options;
  const pools = new Map<string, WorkerPool>();

  const spawnWorker = async (lang: string): Promise<PooledWorker> => {
    const pooled = {} as PooledWorker;
    pooled.worker = await createWorker(lang.split('+'), OEM.LSTM_ONLY, {
      langPath: catalog.langPath,
      gzip: true,
      cacheMethod: 'none',
      logger: (message) => {
        if (message.status === 'recognizing text') pooled.onProgress?.(message.progress);
      },
      // Without an errorHandler tesseract.js rethrows a failed job inside its message handler,
      // where no try/catch of ours can reach it, and the whole process dies.
      errorHandler: (error: unknown) => logger.warn({ err: error, lang }, 'tesseract worker reported an error'),
    });
    // Keeps the column spacing of tables and statements, as tesseract.js's own tests expect.
    await pooled.worker.setParameters({ preserve_interword_spaces: '1' });
    return pooled;
  };

  const poolFor = (lang: string): WorkerPool => {
    let pool = pools.get(lang);
    if (!pool) {
      pool = createWorkerPool(lang, workersPerLanguageSet, () => spawnWorker(lang));
      pools.set(lang, pool);
    }
    return pool;
  };

  return {
    async recognize({ image, lang, psm = DEFAULT_PSM, onProgress }: RecognizeRequest): Promise<Recognition> {
      const pool = poolFor(lang);
      const pooled = await pool.acquire();
      pooled.onProgress = onProgress;
      const started = performance.now();
      try {
        const run = async () => {
          await pooled.worker.setParameters({ tessedit_pageseg_mode: String(psm) as PSM });
          return pooled.worker.recognize(image);
        };
        const { data } = await withTimeout(
          run(),
          jobTimeoutMs,
          () => new AppError('OCR_TIMEOUT', `Recognition took longer than ${jobTimeoutMs} ms and was stopped.`),
        );
        pool.release(pooled);
        return { text: data.text, confidence: data.confidence, psm, recognitionMs: Math.round(performance.now() - started) };
      } catch (error) {
        // A worker that failed or timed out may be stuck or have a corrupted heap: never reuse it.
        pool.discard(pooled);
        if (isAppError(error)) throw error;
        throw new AppError('OCR_FAILED', 'The OCR engine could not read this image.', { cause: error });
      } finally {
        pooled.onProgress = undefined;
      }
    },
    async warmUp(lang) {
      const pool = poolFor(lang);
      const warmed = await Promise.all(Array.from({ length: workersPerLanguageSet }, () => pool.acquire()));
      for (const pooled of warmed) pool.release(pooled);
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}
