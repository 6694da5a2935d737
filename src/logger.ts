import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Logs on stdout: JSON for log collectors, or readable lines when a person watches a terminal. The service name and
 * process mode are on every line. The command-line client logs to stderr, since its stdout is the recognised text.
 */
export function createLogger(level: string, mode: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = { level, base: { service: 'image-ocr-app', mode, pid: process.pid } };
  if (to === 'stderr') return pino(options, pino.destination(2));
  if (process.stdout.isTTY) return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service,pid,hostname' }));
  return pino(options);
}
