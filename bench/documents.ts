/**
 * The documents part of `npm run bench` (`BENCH_ONLY=documents npm run bench` runs it alone): pages per second for
 * the scanned multi-page PDF of the test fixtures (`test/fixtures/docs/scan3.pdf`, three pages, repeated into
 * one document of BENCH_DOCUMENT_PAGES pages), read whole, upload to completion, on `MODE=all` and on the stack with
 * one and with two worker processes of one OCR slot each (API → RabbitMQ → workers → Redis), with the CER of every
 * page. Two processes against one is how a document's pages spread over workers, which the capacity model
 * (bench/capacity.ts) projects from what a page costs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import { upload, waitForResult } from '../test/helpers/client.js';
import { DOCS_DIR, expectedPages } from '../test/helpers/documents.js';
import { characterErrorRate } from '../test/helpers/error-rate.js';
import { startService } from '../test/helpers/service.js';
import { startStack } from '../test/helpers/stack.js';

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

/** Runs the documents part and prints its table. */
export async function runDocumentsBench({ workers }: { workers: number }): Promise<void> {
  const document = await repeatedDocument(Number(process.env.BENCH_DOCUMENT_PAGES ?? 20));
  const common = { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' };

  const service = await startService({ ...common, OCR_CONCURRENCY: String(workers) });
  let embedded: DocumentRun;
  try {
    embedded = await readDocument(`the service, MODE=all, ${workers} OCR workers`, service.url, document);
  } finally {
    await service.stop();
  }

  const distributed: DocumentRun[] = [];
  for (const processes of [1, 2]) {
    const stack = await startStack({ queue: 'rabbitmq', workers: processes, env: { ...common, OCR_CONCURRENCY: '1' } });
    try {
      const plural = processes === 1 ? 'process' : 'processes';
      distributed.push(await readDocument(`API → RabbitMQ → ${processes} worker ${plural} (1 slot each) → Redis`, stack.api.url, document));
    } finally {
      await stack.stop();
    }
  }

  const perSecond = (run: DocumentRun) => run.pages / (run.wallMs / 1000);
  const [one] = distributed;
  console.table(
    [embedded, ...distributed].map((run) => ({
      [`scanned PDF, ${run.pages} pages at 300 dpi`]: run.label,
      'pages/s': perSecond(run).toFixed(2),
      share: `${((perSecond(run) / perSecond(embedded)) * 100).toFixed(0)} % of MODE=all`,
      'against 1 worker process': `${(perSecond(run) / perSecond(one!)).toFixed(2)} ×`,
      seconds: (run.wallMs / 1000).toFixed(1),
      'mean CER': `${(run.meanCer * 100).toFixed(1)} %`,
    })),
  );
}
