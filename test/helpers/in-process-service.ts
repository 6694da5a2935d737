import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { startService } from '../../src/service.js';
import { createLanguageCatalog } from '../../src/ocr/engine/languages.js';
import { ROOT } from './service.js';

/** Quick retries, so a test of a failing callback receiver waits on the receiver, not on the back-off. */
const CALLBACK_RETRY_BACKOFF = { initialMs: 50, maxMs: 200 };

export interface InProcessService {
  url: string;
  port: number;
  /** Every log line so far, as the process would write them to stdout (pino JSON, one a line). */
  logs(): string;
  /** Finishes the jobs in flight and closes everything, as the process does on SIGTERM. */
  stop(): Promise<void>;
}

/**
 * The service as `MODE=all` runs it (`npm start`), with the same settings from `env`, in this process: the API
 * listening on a free loopback port, and a worker with the real OCR engine on the queue and store the settings
 * name. For tests of what the HTTP API answers, where the process boundary is not what is under test: no process
 * to start, no module graph to load again, no exit code (the shutdown tests run the built service for that).
 */
export async function startInProcessService(env: Record<string, string> = {}): Promise<InProcessService> {
  // The archive is off unless a test asks for it, as for a spawned service: PGlite's default folder would be shared.
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ARCHIVE: 'off', ...env, MODE: 'all' });
  let output = '';
  const logger = pino(
    { level: config.logLevel, base: { service: 'image-ocr-app', mode: config.mode, pid: process.pid } },
    { write: (line: string) => void (output += line) },
  );
  const service = await startService({
    config,
    catalog: createLanguageCatalog(),
    logger,
    metrics: createMetrics(),
    // Built by the test run's global set-up, as `npm run build` builds it beside dist/main.js.
    webRoot: path.join(ROOT, 'dist/web'),
    callbackRetryBackoff: CALLBACK_RETRY_BACKOFF,
  });
  const { port } = service.app!.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logs: () => output,
    stop: () => service.stop(),
  };
}
