import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Worker as Thread } from 'node:worker_threads';
import { createWorker as createTesseractWorker, OEM, type Block, type OutputFormats, type Worker } from 'tesseract.js';
import type { Logger } from 'pino';
import { AppError, isAppError } from '../../errors.js';
import { withinTime } from '../../time-limit.js';
import type { TextBox } from '../../formats.js';
import type { OcrEngine, Recognition, RecognizeRequest } from './engine.js';
import type { LanguageCatalog } from './languages.js';
import { PSM_SINGLE_BLOCK } from '../reading/page-segmentation.js';
import { keepRealParagraphBreaks } from '../reading/line-breaks.js';
import { linesOfTsv } from '../reading/tsv-rows.js';
import { withoutBackgroundMarks, type EngineRead } from '../reading/drop-words.js';
import { hocrDocument, tsvDocument } from '../output/tesseract-documents.js';
import { createWorkerPool, type PoolMember, type WorkerPool } from './worker-pool.js';

/** The worker threads' script: tesseract.js's own with a periodic full collection and TSV line rows (see the file). */
const THREAD_SCRIPT = fileURLToPath(new URL('./tesseract-thread.mjs', import.meta.url));

/**
 * The legacy engine's dictionaries, which tesseract loads at start unless told not to. The LSTM engine reads with
 * dictionaries of its own, which these leave alone: without them every page of the three corpora, in seven languages,
 * read to the same text and confidence, in 2.5 % less recognition time (0.7 % between two identical workers).
 */
const INIT_PARAMETERS = { load_system_dawg: '0', load_punc_dawg: '0', load_number_dawg: '0', load_freq_dawg: '0' } as const;

/** The worker of tesseract's orientation and script detection, apart from the language sets. */
const ORIENTATION_DATA = 'osd';

/** Parameters a job may change; each job sets all of them, so none leaks from one job into the next. */
const DEFAULT_PARAMETERS = { thresholding_method: '0', user_defined_dpi: '0' } as const;

/**
 * The `tsv` outputs the thread script answers with the TSV's line rows alone, and with its line and word rows (its
 * `TSV_ROWS`): what the text's paragraph breaks need, and a picture's background marks, for a fraction of the full
 * TSV's cost. tesseract.js's types know only true and false.
 */
const TSV_LINE_ROWS = 'lines' as unknown as boolean;
const TSV_LINE_AND_WORD_ROWS = 'words' as unknown as boolean;

export interface TesseractEngineOptions {
  catalog: LanguageCatalog;
  /** Warm tesseract workers per language set; one recognition runs on each at a time. */
  workersPerLanguageSet: number;
  /** Language sets kept warm at once; the least recently used idle set is closed beyond this. */
  maxLanguageSets: number;
  /** A recognition still running after this is abandoned and its tesseract worker replaced. */
  jobTimeoutMs: number;
  /**
   * A tesseract worker is replaced by a fresh one after this many jobs, or after a job that leaves the process's
   * resident memory above `maxRssBytes`: its WASM heap never shrinks, so memory grows with the largest page it read.
   */
  recycle?: { maxJobs: number; maxRssBytes: number };
  logger: Logger;
  /** tesseract.js's `createWorker`; replaceable so tests can reach the worker threads. */
  createWorker?: typeof createTesseractWorker;
}

interface PooledWorker extends PoolMember {
  worker: Worker;
  /** The progress callback of the job this worker is running now. */
  onProgress?: (fraction: number) => void;
  /** Fails the job this worker is running now, when its thread dies under it. */
  abortJob?: (cause: unknown) => void;
}

const toTextBox = ({ text, confidence, bbox }: { text: string; confidence: number; bbox: TextBox['bbox'] }): TextBox => ({
  text: text.trim(),
  confidence,
  bbox: { x0: bbox.x0, y0: bbox.y0, x1: bbox.x1, y1: bbox.y1 },
});

const holdsText = ({ text }: { text: string }) => text.trim() !== '';

/** The lines and words that hold text: a region tesseract takes for a picture comes back as a line of one blank word. */
function collectBoxes(blocks: Block[] | null | undefined) {
  const lines = (blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines)).filter(holdsText);
  return { lines: lines.map(toTextBox), words: lines.flatMap((line) => line.words.filter(holdsText).map(toTextBox)) };
}

/**
 * tesseract.js copies a Buffer it is given into a new Uint8Array before posting it to its thread (a page's pixels
 * copied once more, and as much memory more to collect), but wraps an ArrayBuffer as it is: a Buffer that spans its whole
 * ArrayBuffer goes as that. A smaller view (a slice, a small Buffer from Node's shared pool) is copied.
 */
const withoutCopy = (image: Buffer): Buffer =>
  image.byteOffset === 0 && image.byteLength === image.buffer.byteLength ? (image.buffer as unknown as Buffer) : image;

/** tesseract.js returns images as `data:image/png;base64,…` URLs. */
const fromDataUrl = (url: string): Buffer => Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');

/**
 * An OcrEngine over warm tesseract.js workers: one pool per language set (workers in a pool must be
 * identical), created on first use or at warm-up and reused for every later job, with at most
 * `maxLanguageSets` pools alive. A worker whose thread dies is replaced, and its job fails with
 * OCR_FAILED instead of taking the process down.
 */
export function createTesseractEngine(options: TesseractEngineOptions): OcrEngine {
  const {
    catalog,
    workersPerLanguageSet,
    maxLanguageSets,
    jobTimeoutMs,
    logger,
    createWorker = createTesseractWorker,
    recycle = { maxJobs: Number.POSITIVE_INFINITY, maxRssBytes: Number.POSITIVE_INFINITY },
  } = options;
  const pools = new Map<string, WorkerPool<PooledWorker>>();

  /** Made on the first page whose orientation is in doubt: its data and core are loaded only then. */
  let orientationPool: WorkerPool<PooledWorker> | undefined;

  const spawnWorker = async (lang: string): Promise<PooledWorker> => {
    const orientation = lang === ORIENTATION_DATA;
    const pooled = {
      // Marked first, so that the thread's exit on a deliberate terminate is not taken for a crash.
      terminate: () => {
        pooled.crashed = true;
        return pooled.worker.terminate();
      },
    } as PooledWorker;
    pooled.worker = await createWorker(
      lang.split('+'),
      orientation ? OEM.TESSERACT_ONLY : OEM.LSTM_ONLY,
      {
        langPath: orientation ? catalog.orientationDataPath : catalog.langPath,
        // Orientation detection runs on tesseract's legacy classifier, which the LSTM-only core leaves out.
        ...(orientation && { legacyCore: true, legacyLang: true }),
        workerPath: THREAD_SCRIPT,
        gzip: true,
        cacheMethod: 'none',
        logger: (message) => {
          if (message.status === 'recognizing text') pooled.onProgress?.(message.progress);
        },
        // Without an errorHandler tesseract.js rethrows a failed job inside its message handler,
        // where no try/catch of ours can reach it, and the whole process dies.
        errorHandler: (error: unknown) => logger.warn({ err: error, lang }, 'tesseract worker reported an error'),
      },
      INIT_PARAMETERS,
    );
    // A WASM abort or an exception thrown outside a job kills the worker thread. tesseract.js listens
    // for neither, so Node would rethrow the thread's error in this process and end it: listen here,
    // fail the job the thread was running, and let the pool replace the worker.
    const thread = (pooled.worker as Worker & { worker?: Thread }).worker;
    const onDeath = (cause: unknown) => {
      if (pooled.crashed) return;
      pooled.crashed = true;
      logger.error({ err: cause, lang }, 'tesseract worker thread died; replacing it');
      pooled.abortJob?.(cause);
    };
    thread?.on('error', onDeath);
    thread?.on('exit', (code) => onDeath(new Error(`tesseract worker thread exited with code ${code}`)));
    // Keeps the column spacing of tables and statements, as tesseract.js's own tests expect.
    await pooled.worker.setParameters({ preserve_interword_spaces: '1' });
    return pooled;
  };

  /**
   * Closes the least recently used pools beyond the bound. A pool with work in flight is left alone, and so is
   * the one just asked for (not busy yet), so the bound may be exceeded while every older set is at work.
   */
  const evictLeastRecentlyUsed = (wanted: string): void => {
    for (const [lang, pool] of pools) {
      if (pools.size <= maxLanguageSets) return;
      if (lang === wanted || pool.busy()) continue;
      pools.delete(lang);
      logger.info({ lang }, 'closing the least recently used language set');
      void pool.close();
    }
  };

  const poolFor = (lang: string): WorkerPool<PooledWorker> => {
    let pool = pools.get(lang);
    if (pool) {
      // Map order is the recency order: move this set to the end.
      pools.delete(lang);
    } else {
      pool = createWorkerPool(lang, workersPerLanguageSet, () => spawnWorker(lang), {
        maxJobs: recycle.maxJobs,
        overgrown: () => process.memoryUsage.rss() > recycle.maxRssBytes,
        onRecycle: (reason) => logger.info({ lang, reason }, 'tesseract worker replaced by a fresh one'),
      });
    }
    pools.set(lang, pool);
    evictLeastRecentlyUsed(lang);
    return pool;
  };

  /**
   * Runs `job` on a worker of `pool` within the time limit. A worker that failed or timed out may be stuck or have a
   * corrupted heap: it is never reused.
   */
  const onWorker = async <T>(pool: WorkerPool<PooledWorker>, job: (pooled: PooledWorker) => Promise<T>, onProgress?: (fraction: number) => void) => {
    const pooled = await pool.acquire();
    pooled.onProgress = onProgress;
    const died = new Promise<never>((_, reject) => {
      pooled.abortJob = (cause) => reject(new AppError('OCR_FAILED', 'The OCR engine crashed on this image.', { cause }));
    });
    try {
      const result = await withinTime(
        Promise.race([job(pooled), died]),
        jobTimeoutMs,
        () => new AppError('OCR_TIMEOUT', `Recognition took longer than ${jobTimeoutMs} ms and was stopped.`),
      );
      pool.release(pooled);
      return result;
    } catch (error) {
      pool.discard(pooled);
      if (isAppError(error)) throw error;
      throw new AppError('OCR_FAILED', 'The OCR engine could not read this image.', { cause: error });
    } finally {
      pooled.onProgress = undefined;
      pooled.abortJob = undefined;
    }
  };

  const runJob = async (pooled: PooledWorker, request: RecognizeRequest, psm: number) => {
    const { image, deskew = 0, parameters, outputs = [], rectangle } = request;
    const output: Partial<OutputFormats> = {
      text: true,
      blocks: outputs.includes('words') || outputs.includes('lines'),
      hocr: outputs.includes('hocr'),
      // Always: the line boxes tell tesseract's paragraph guesses from the page's real paragraph breaks.
      tsv: outputs.includes('tsv') || (request.picture ? TSV_LINE_AND_WORD_ROWS : TSV_LINE_ROWS),
      imageColor: outputs.includes('image'),
    };
    await pooled.worker.setParameters({ ...DEFAULT_PARAMETERS, ...parameters, tessedit_pageseg_mode: String(psm) as never });
    const turn = deskew === 'fit' ? { rotateAuto: true } : { rotateRadians: deskew };
    const area = rectangle && {
      rectangle: {
        left: rectangle.left,
        top: rectangle.top,
        width: rectangle.right - rectangle.left + 1,
        height: rectangle.bottom - rectangle.top + 1,
      },
    };
    return pooled.worker.recognize(withoutCopy(image), { ...turn, ...area }, output);
  };

  return {
    async recognize(request: RecognizeRequest): Promise<Recognition> {
      const { lang, psm = PSM_SINGLE_BLOCK, onProgress, outputs = [] } = request;
      let started = 0;
      const { data } = await onWorker(
        poolFor(lang),
        (pooled) => {
          started = performance.now();
          return runJob(pooled, request, psm);
        },
        onProgress,
      );
      const rows = data.tsv ?? '';
      const read: EngineRead = { text: data.text, lineBoxes: linesOfTsv(rows), ...collectBoxes(data.blocks), hocr: data.hocr ?? '', tsv: rows };
      const { text, lineBoxes, words, lines, hocr, tsv } = request.picture ? withoutBackgroundMarks(read) : read;
      return {
        text: keepRealParagraphBreaks(text, lineBoxes),
        lineBoxes,
        confidence: data.confidence,
        psm,
        recognitionMs: Math.round(performance.now() - started),
        rotateRadians: data.rotateRadians ?? 0,
        ...(outputs.includes('words') && { words }),
        ...(outputs.includes('lines') && { lines }),
        ...(outputs.includes('hocr') && { hocr: hocrDocument(hocr ?? '', data.version) }),
        ...(outputs.includes('tsv') && { tsv: tsvDocument(tsv ?? '') }),
        ...(outputs.includes('image') && data.imageColor && { image: fromDataUrl(data.imageColor) }),
      };
    },
    async detectOrientation(image) {
      // One worker: only pages whose upright read leaves doubt come here.
      orientationPool ??= createWorkerPool(ORIENTATION_DATA, 1, () => spawnWorker(ORIENTATION_DATA));
      const { data } = await onWorker(orientationPool, (pooled) => pooled.worker.detect(withoutCopy(image)));
      const rotation = data.orientation_degrees;
      return rotation === 0 || rotation === 90 || rotation === 180 || rotation === 270
        ? { rotation, confidence: data.orientation_confidence ?? 0 }
        : undefined;
    },
    async warmUp(lang) {
      const pool = poolFor(lang);
      const warmed = await Promise.all(Array.from({ length: workersPerLanguageSet }, () => pool.acquire()));
      for (const pooled of warmed) pool.release(pooled);
    },
    async close() {
      await Promise.all([...pools.values(), ...(orientationPool ? [orientationPool] : [])].map((pool) => pool.close()));
      pools.clear();
      orientationPool = undefined;
    },
  };
}
