import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { withinTime } from '../time-limit.js';
import { frameAsPng } from './page-images.js';
import type { RenderLimits } from './render-resolution.js';
import type { PdfPageRead, RenderReply, RenderRequest, RenderThreadData } from './render-thread.js';

const MIB = 1024 * 1024;

/** The thread's script: `render-thread.js` beside this file once built, `render-thread.ts` in the sources. */
const THREAD_SCRIPT = new URL(import.meta.url.endsWith('.ts') ? './render-thread.ts' : './render-thread.js', import.meta.url);

export interface PageRendererOptions {
  /** PDF_RENDER_DPI and MAX_IMAGE_PIXELS. */
  limits: RenderLimits;
  /** RENDER_MEMORY_MB: the most PDFium's heap, and the thread's JavaScript heap, may each grow to. */
  memoryMb: number;
  /** RENDER_TIMEOUT_MS: the longest a page may take to render or decode. */
  timeoutMs: number;
  logger: Logger;
}

/** A PDF open in the render thread. */
export interface RenderedPdf {
  /**
   * The page's own text when `textLayer` is asked for and it has a real one; otherwise the page rendered: as for
   * OCR (a page that is one JPEG as that JPEG with a sample of the page to check it against, unless `rendered`),
   * or with `width` whole and about that many pixels wide (a preview).
   */
  read(page: number, options: { textLayer: boolean; width?: number; rendered?: boolean }): Promise<PdfPageRead>;
  close(): void;
}

/**
 * Renders the pages of documents within a deadline and a memory bound, never on the event loop: a page past either
 * fails with PAGE_TOO_COMPLEX, and the work on it is stopped.
 */
export interface PageRenderer {
  /** Opens a PDF (checked at upload) for its pages; the bytes are copied, and stay the caller's. */
  openPdf(bytes: Uint8Array): RenderedPdf;
  /** A page of a multi-page image (TIFF, GIF, WebP) as a PNG. `index` is 0-based. */
  imagePage(bytes: Buffer, index: number): Promise<Buffer>;
  /** Stops the render thread; idempotent. */
  close(): Promise<void>;
}

interface RenderThread {
  worker: Worker;
  /** Resolves once PDFium is loaded in the thread; rejects when the thread dies first. */
  ready: Promise<void>;
  /** The documents opened in this thread. */
  documents: Set<number>;
  /** The request the thread is working on: one at a time. */
  pending?: { resolve(reply: Answer): void; reject(error: unknown): void };
}

type Answer = Exclude<RenderReply, { ready: true }>;
type Failure = Extract<RenderReply, { ok: false }>;

/**
 * In the sources (under the tests) the thread's TypeScript is loaded through tsx, as the tests' own is; the built
 * service starts the compiled script.
 */
function startWorker(data: RenderThreadData, memoryMb: number): Worker {
  const options = { workerData: data, resourceLimits: { maxOldGenerationSizeMb: memoryMb } };
  if (!THREAD_SCRIPT.pathname.endsWith('.ts')) return new Worker(THREAD_SCRIPT, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const load = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(THREAD_SCRIPT.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { ...options, eval: true });
}

/**
 * One warm render thread for the process, started on first use and kept between documents (starting one costs the
 * compilation of PDFium). Requests take turns, each with its own deadline: a page's rendering may hold the thread,
 * never the event loop. A thread that passes a deadline, is refused memory, or dies is terminated (its memory goes
 * with it) and a fresh one started for the next request; documents open in it are opened again there.
 */
export function createPageRenderer({ limits, memoryMb, timeoutMs, logger }: PageRendererOptions): PageRenderer {
  const threadData: RenderThreadData = { limits, heapBytes: memoryMb * MIB };
  let thread: RenderThread | undefined;
  /** Settles once the last terminated thread is gone: no new thread grows before the old one's memory is back. */
  let stopped: Promise<unknown> = Promise.resolve();
  let turns: Promise<unknown> = Promise.resolve();
  let documents = 0;
  let closing: Promise<void> | undefined;

  const tooComplex = (page: number, reason: 'time' | 'memory') =>
    new AppError(
      'PAGE_TOO_COMPLEX',
      reason === 'time'
        ? `Page ${page} took longer than ${timeoutMs} ms to render and was stopped: it draws too much to read.`
        : `Page ${page} needs more than ${memoryMb} MB of memory to render and was stopped: it draws too much to read.`,
    );

  const retire = (current: RenderThread): void => {
    if (thread === current) thread = undefined;
    stopped = current.worker.terminate().catch(() => undefined);
  };

  const spawn = (): RenderThread => {
    const worker = startWorker(threadData, memoryMb);
    // An idle render thread never keeps the process alive; a request in flight has its deadline's timer for that.
    worker.unref();
    let started: { resolve(): void; reject(error: unknown): void };
    const current: RenderThread = {
      worker,
      ready: new Promise((resolve, reject) => (started = { resolve, reject })),
      documents: new Set(),
    };
    // Awaited by the request that started the thread; a death after that is its request's failure, not this one's.
    current.ready.catch(() => undefined);
    const fail = (error: unknown) => {
      started.reject(error);
      current.pending?.reject(error);
      current.pending = undefined;
    };
    worker.on('message', (reply: RenderReply) => {
      if ('ready' in reply) return started.resolve();
      const { pending } = current;
      current.pending = undefined;
      if (!reply.ok && reply.fatal) retire(current);
      pending?.resolve(reply);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      logger[outOfMemory ? 'warn' : 'error']({ err: error }, 'the render thread died; a fresh one renders the next page');
      fail(error);
    });
    worker.on('exit', () => {
      if (thread === current) thread = undefined;
      fail(new Error('the render thread stopped'));
    });
    return current;
  };

  /** Sends a request to the thread and waits for its answer. */
  const exchange = (current: RenderThread, request: RenderRequest, transfer: ArrayBuffer[] = []): Promise<Answer> =>
    new Promise((resolve, reject) => {
      current.pending = { resolve, reject };
      current.worker.postMessage(request, transfer);
    });

  /**
   * Runs `work` on the thread when its turn comes, within the deadline (which starts once the thread is ready: its
   * start is no page's doing); past it, the thread is terminated.
   */
  const onThread = <T>(page: number, work: (current: RenderThread) => Promise<T>): Promise<T> => {
    const turn = turns.then(async () => {
      if (closing) throw new AppError('WORKER_SHUTDOWN', 'The worker is shutting down.');
      await stopped;
      const current = (thread ??= spawn());
      await current.ready;
      const attempt = work(current).catch((error: unknown) => {
        // Node stops a thread whose JavaScript heap passes its resourceLimits.
        throw (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooComplex(page, 'memory') : error;
      });
      return withinTime(attempt, timeoutMs, () => {
        logger.warn({ page, timeout_ms: timeoutMs }, 'a page passed its rendering deadline; the render thread is stopped');
        retire(current);
        return tooComplex(page, 'time');
      });
    });
    turns = turn.catch(() => undefined);
    return turn;
  };

  const failure = (page: number, reply: Failure): AppError => {
    if (reply.memory) return tooComplex(page, 'memory');
    if (reply.error) return new AppError(reply.error.code, reply.error.message);
    return new AppError('DOCUMENT_UNREADABLE', `Page ${page} of the document cannot be read.`);
  };

  return {
    openPdf(bytes) {
      const document = (documents += 1);
      let openIn: RenderThread | undefined;
      return {
        read: (page, { textLayer, width, rendered }) =>
          onThread(page, async (current) => {
            if (!current.documents.has(document)) {
              const copy = new Uint8Array(bytes);
              const opened = await exchange(current, { kind: 'open', document, bytes: copy }, [copy.buffer]);
              if (!opened.ok) throw failure(page, opened);
              current.documents.add(document);
              openIn = current;
            }
            const reply = await exchange(current, {
              kind: 'read',
              document,
              page,
              textLayer,
              ...(width !== undefined && { width }),
              ...(rendered && { rendered }),
            });
            if (!reply.ok) throw failure(page, reply);
            return reply.page!;
          }),
        close() {
          if (openIn === thread && openIn) {
            openIn.documents.delete(document);
            openIn.worker.postMessage({ kind: 'close', document } satisfies RenderRequest);
          }
          openIn = undefined;
        },
      };
    },
    imagePage(bytes, index) {
      // sharp decodes on libuv's threads, never on the event loop, and stops at its own timeout; it is not run in the
      // render thread because terminating a thread in the middle of a sharp call can bring the process down.
      return withinTime(frameAsPng(bytes, index, limits.maxPixels, Math.ceil(timeoutMs / 1000)), timeoutMs, () => tooComplex(index + 1, 'time'));
    },
    close() {
      closing ??= turns.then(async () => {
        if (thread) retire(thread);
        await stopped;
      });
      return closing;
    },
  };
}
