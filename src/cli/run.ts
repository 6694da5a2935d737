import fs from 'node:fs/promises';
import type { FileOutcome, Recognizer } from './recognizer.js';

export interface RunOptions {
  concurrency: number;
  /** Aborting stops the run at once: the files in flight are abandoned and the returned promise rejects. */
  signal: AbortSignal;
  /** Called once per file, in the order the files were given, each after the previous call has settled. */
  onOutcome: (file: string, outcome: FileOutcome) => Promise<void>;
}

async function readAndRecognize(file: string, recognizer: Recognizer, signal: AbortSignal): Promise<FileOutcome> {
  let image: Buffer;
  try {
    image = await fs.readFile(file);
  } catch (error) {
    return { ok: false, error: { code: 'FILE_UNREADABLE', message: `Cannot read the file: ${(error as Error).message}.` } };
  }
  return recognizer.recognize(file, image, signal);
}

/** Rejects when the signal aborts, so a run need not wait for a recognition that ignores it. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const cancel = () => reject(new Error('cancelled', { cause: signal.reason }));
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  });
}

/** Runs at most `concurrency` tasks at once; a task waiting for its turn when the signal aborts never starts. */
function createLimiter(concurrency: number, signal: AbortSignal) {
  let active = 0;
  const turns: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => turns.push(resolve));
    active += 1;
    try {
      signal.throwIfAborted();
      return await task();
    } finally {
      active -= 1;
      turns.shift()?.();
    }
  };
}

/**
 * Reads the files, `concurrency` at a time, and hands each outcome on in the order given (a fast second file
 * waits for the first), so printed texts come out in the order of the command line.
 */
export async function recognizeAll(files: readonly string[], recognizer: Recognizer, { concurrency, signal, onOutcome }: RunOptions): Promise<void> {
  const limit = createLimiter(concurrency, signal);
  const outcomes = files.map((file) => limit(() => readAndRecognize(file, recognizer, signal)));
  // Only an abort rejects them, and the race below reports it: the files not reached yet must not count as unhandled.
  for (const outcome of outcomes) outcome.catch(() => undefined);
  const handOn = async () => {
    for (const [index, file] of files.entries()) await onOutcome(file, await outcomes[index]!);
  };
  await Promise.race([handOn(), aborted(signal)]);
}
