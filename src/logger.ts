import pino, { type Logger } from 'pino';

/** JSON logs on stdout; the service name and process mode are on every line. */
export function createLogger(level: string, mode: string): Logger {
  return pino({ level, base: { service: 'image-ocr-app', mode, pid: process.pid } });
}
