import cliProgress from 'cli-progress';

export interface Progress {
  /** One more file done. */
  increment(): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { increment() {}, stop() {} };

/**
 * A progress bar on stderr, for runs whose stdout goes to a file or a pipe: the texts stay clean and the person
 * at the terminal still sees how far it got. None when `enabled` is false.
 */
export function createProgress(total: number, enabled: boolean): Progress {
  if (!enabled) return NO_PROGRESS;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'image-ocr [{bar}] {value}/{total} files | {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { increment: () => bar.increment(), stop: () => bar.stop() };
}
