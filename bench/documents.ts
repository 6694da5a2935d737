/**
 * The documents part of `npm run bench` (`BENCH_ONLY=documents npm run bench` runs it alone): pages per second for
 * the scanned multi-page PDF of the test fixtures (`test/fixtures/docs/scan3.pdf`, three pages, repeated into
 * one document of BENCH_DOCUMENT_PAGES pages), read whole, upload to completion, on `MODE=all` and on the stack with
 * one and with two worker processes of one OCR slot each (API → RabbitMQ → workers → Redis), with the CER of every
 * page, the fastest of BENCH_DOCUMENT_ROUNDS reads (3). The worker processes run twice: sharing the machine's cores,
 * and each on a core of its own (`taskset`), as a worker pod with a limit of one core runs. Every service reads a
 * short document first, so the rows compare warm processes, as a running service has. Two processes against one is
 * how a document's pages spread over workers, which the capacity model (bench/capacity.ts) projects from what a page
 * costs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { upload, waitForResult } from '../test/helpers/client.js';
import { DOCS_DIR, expectedPages } from '../test/helpers/documents.js';
import { characterErrorRate } from '../test/helpers/error-rate.js';
import { startService } from '../test/helpers/service.js';
import { startStack, type Stack } from '../test/helpers/stack.js';

const SOURCE = path.join(DOCS_DIR, 'scan3.pdf');

export interface DocumentRun {
  label: string;
  pages: number;
  wallMs: number;
  meanCer: number;
}

/** scan3.pdf's pages, repeated up to `pages` pages, as one PDF; and the text expected of each page. */
export async function repeatedDocument(pages: number): Promise<{ pdf: Buffer; truths: string[] }> {
  const source = await PDFDocument.load(fs.readFileSync(SOURCE));
  const truths = expectedPages('scan3');
  const document = await PDFDocument.create();
  const order = Array.from({ length: pages }, (_, index) => index % source.getPageCount());
  for (const page of await document.copyPages(source, order)) document.addPage(page);
  return { pdf: Buffer.from(await document.save()), truths: order.map((index) => truths[index]!) };
}

export async function readDocument(label: string, baseUrl: string, { pdf, truths }: { pdf: Buffer; truths: string[] }): Promise<DocumentRun> {
  const started = performance.now();
  const { body } = await upload(baseUrl, pdf, { filename: 'bench.pdf', contentType: 'application/pdf' });
  const done = await waitForResult(baseUrl, body.task_id as string, 1_800_000);
  const wallMs = performance.now() - started;
  if (done.status !== 'completed') throw new Error(`${label}: the document ${done.status}: ${JSON.stringify(done.error)}`);
  const pages = done.result.pages as Array<{ text: string }>;
  const meanCer = pages.reduce((sum, page, index) => sum + characterErrorRate(truths[index]!, page.text), 0) / pages.length;
  return { label, pages: pages.length, wallMs, meanCer };
}

/** Each worker process of the stack, every thread of it, on one core alone: the first on core 0, the next on core 1. */
export function pinWorkersToACoreEach(stack: Stack): void {
  stack.workers.forEach((worker, index) =>
    execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', String(index % os.availableParallelism()), String(worker.process.pid)]),
  );
}

const rounds = Number(process.env.BENCH_DOCUMENT_ROUNDS ?? 3);

/** The fastest of `rounds` reads of the document: other work on the machine only ever slows a read. */
async function fastestRead(label: string, baseUrl: string, document: { pdf: Buffer; truths: string[] }): Promise<DocumentRun> {
  let fastest: DocumentRun | undefined;
  for (let round = 0; round < rounds; round++) {
    const run = await readDocument(label, baseUrl, document);
    if (!fastest || run.wallMs < fastest.wallMs) fastest = run;
  }
  return fastest!;
}

/** A three-page document first, so that what a process does once (compiling, its first pages) is not timed. */
export async function warmUp(baseUrl: string): Promise<void> {
  await readDocument('warm-up', baseUrl, await repeatedDocument(3));
}

/** Runs the documents part and prints its table. */
export async function runDocumentsBench({ workers }: { workers: number }): Promise<void> {
  const document = await repeatedDocument(Number(process.env.BENCH_DOCUMENT_PAGES ?? 20));
  const common = { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' };

  const service = await startService({ ...common, OCR_CONCURRENCY: String(workers) });
  let embedded: DocumentRun;
  try {
    await warmUp(service.url);
    embedded = await fastestRead(`the service, MODE=all, ${workers} OCR workers`, service.url, document);
  } finally {
    await service.stop();
  }

  const rows: Array<{ run: DocumentRun; against: DocumentRun }> = [];
  for (const pinned of [false, true]) {
    let one: DocumentRun | undefined;
    for (const processes of [1, 2]) {
      const stack = await startStack({ queue: 'rabbitmq', workers: processes, env: { ...common, OCR_CONCURRENCY: '1' } });
      try {
        if (pinned) pinWorkersToACoreEach(stack);
        await warmUp(stack.api.url);
        const processesRead = processes === 1 ? '1 worker process (1 slot' : `${processes} worker processes (1 slot each`;
        const where = !pinned ? 'sharing the cores' : processes === 1 ? 'on a core of its own' : 'on a core each';
        const run = await fastestRead(`API → RabbitMQ → ${processesRead}, ${where}) → Redis`, stack.api.url, document);
        one ??= run;
        rows.push({ run, against: one });
      } finally {
        await stack.stop();
      }
    }
  }

  const perSecond = (run: DocumentRun) => run.pages / (run.wallMs / 1000);
  console.table(
    [{ run: embedded, against: rows[0]!.against }, ...rows].map(({ run, against }) => ({
      [`scanned PDF, ${run.pages} pages at 300 dpi`]: run.label,
      'pages/s': perSecond(run).toFixed(2),
      share: `${((perSecond(run) / perSecond(embedded)) * 100).toFixed(0)} % of MODE=all`,
      'against 1 worker process': `${(perSecond(run) / perSecond(against)).toFixed(2)} ×`,
      seconds: (run.wallMs / 1000).toFixed(1),
      'mean CER': `${(run.meanCer * 100).toFixed(1)} %`,
    })),
  );
}
