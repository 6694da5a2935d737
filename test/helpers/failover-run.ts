import { performance } from 'node:perf_hooks';
import { logRecords } from './service.js';
import { startStack, type Stack, type StackOptions } from './stack.js';
import { completedTwice, streamUploads, type UploadStreamFigures } from './upload-stream.js';

export interface FailoverOptions<Servers> {
  /** Starts the servers the stack runs on (a cluster, a primary with its sentinels). */
  start: () => Promise<Servers & { stop(): Promise<void> }>;
  /** The stack on those servers. */
  stack: (servers: Servers) => StackOptions;
  /** The failure, started as upload `atUpload` is sent; resolves with what it reports. */
  fail: (servers: Servers, stack: Stack) => Promise<Record<string, unknown>>;
  uploads: number;
  atUpload: number;
}

export interface FailoverFigures extends UploadStreamFigures {
  completedTwice: number;
  /** What the failure reported. */
  failure: Record<string, unknown>;
  /** Seconds since the start at which the servers, the stack and the uploads were done. */
  phases: { servers: number; stack: number; uploads: number };
}

/**
 * Starts the servers and an API with two workers on them, streams the uploads with the failure midway, and counts
 * how every accepted upload ended. When some did not end, the processes' warnings and errors are printed.
 */
export async function runThroughFailover<Servers>({
  start,
  stack: stackOptions,
  fail,
  uploads,
  atUpload,
}: FailoverOptions<Servers>): Promise<FailoverFigures> {
  const started = performance.now();
  const since = () => Math.round((performance.now() - started) / 100) / 10;
  const servers = await start();
  const phases = { servers: since(), stack: 0, uploads: 0 };
  try {
    const stack = await startStack({ workers: 2, ...stackOptions(servers) });
    phases.stack = since();
    try {
      let failure: Record<string, unknown> = {};
      const figures = await streamUploads({
        apiUrl: stack.api.url,
        uploads,
        concurrency: 6,
        settleTimeoutMs: 60_000,
        atUpload: { index: atUpload, run: async () => void (failure = await fail(servers, stack)) },
      });
      phases.uploads = since();
      if (figures.unfinished.length > 0) {
        for (const process of [stack.api, ...stack.workers]) {
          const problems = logRecords(process.logs()).filter((record) => Number(record.level) >= 40);
          console.log(
            problems
              .slice(-15)
              .map((record) => JSON.stringify(record).slice(0, 400))
              .join('\n'),
          );
        }
      }
      return { ...figures, completedTwice: completedTwice(stack.workers), failure, phases };
    } finally {
      await stack.stop();
    }
  } finally {
    await servers.stop();
  }
}
