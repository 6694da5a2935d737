import type { Logger } from 'pino';
import type { Archive } from '../archive/archive.js';

export interface ArchiveRetentionOptions {
  archive: Archive;
  /** Records finished longer ago than this are deleted. */
  days: number;
  logger: Logger;
  /** How often to purge; the first purge runs at start. */
  intervalMs?: number;
}

/**
 * Purges archived records older than ARCHIVE_RETENTION_DAYS, at start and then every `intervalMs`. Every worker
 * runs it: the DELETE is the same whoever runs it, so a second one finds nothing left. Answers a stop function.
 */
export function startArchiveRetention({ archive, days, logger, intervalMs = 3_600_000 }: ArchiveRetentionOptions): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const purge = () => {
    running = archive.purgeOlderThan(days).then(
      (purged) => {
        if (purged > 0) logger.info({ purged, retention_days: days }, 'purged old archive records');
      },
      (error: unknown) => logger.warn({ err: error }, 'could not purge old archive records; trying again later'),
    );
  };
  purge();
  const timer = setInterval(purge, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
