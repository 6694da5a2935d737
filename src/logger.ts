import pino, { type Logger } from 'pino';

/**
 * JSON logs on stdout; the service name and process mode are on every line. The command-line client logs to
 * stderr, since its stdout is the recognised text.
 */
export function createLogger(level: string, mode: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = { level, base: { service: 'image-ocr-app', mode, pid: process.pid } };
  return to === 'stdout' ? pino(options) : pino(options, pino.destination(2));
}
