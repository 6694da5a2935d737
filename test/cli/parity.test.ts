import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageOcr } from '../helpers/cli.js';
import { DOCS_DIR } from '../helpers/documents.js';
import { startService, type RunningService } from '../helpers/service.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const TURNED_PAGE = path.join(FIXTURES, 'corpus2/orient_serif_090.png');
const INVOICE = path.join(FIXTURES, 'corpus/invoice_mono_01.png');
const THREE_PAGE_PDF = path.join(DOCS_DIR, 'scan3.pdf');

/** What differs between two runs of the same file whoever reads it: the task's id, its times and timings. */
function withoutIdsAndTimings(line: string): unknown {
  const { task_id: _id, created_at: _created, started_at: _started, finished_at: _finished, ...body } = JSON.parse(line);
  if (body.result) {
    const { timings: _timings, ...result } = body.result;
    body.result = result;
  }
  return body;
}

async function jsonLines(args: string[]): Promise<unknown[]> {
  const run = await imageOcr(['--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.toString().trim().split('\n').map(withoutIdsAndTimings);
}

describe('the image-ocr command with and without a server', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(async () => {
    await service?.stop();
  });

  /** The JSON lines of one command line run in its own process, then against the service. */
  const bothWays = (args: string[]) => Promise.all([jsonLines(args), jsonLines(['--server', service.url, ...args])]);

  it('prints the same JSON, less ids and timings, for a page turned a quarter read with --lang auto', { timeout: 180_000 }, async () => {
    const [local, remote] = await bothWays(['--lang', 'auto', TURNED_PAGE]);
    expect(local).toEqual(remote);
    // The language it found and the turn it read the page with, not the 'auto' and 0 asked with, and how sure it is of it.
    expect(local[0]).toMatchObject({ options: { lang: 'auto' }, result: { lang: 'eng', rotation: 270, rotation_confidence: 1 } });
  });

  it('prints the same JSON, less ids and timings, for a 3-page scanned PDF and an invoice image', { timeout: 180_000 }, async () => {
    const [local, remote] = await bothWays([THREE_PAGE_PDF, INVOICE]);
    expect(local).toEqual(remote);
    expect(local).toMatchObject([{ status: 'completed', result: { pages: [{ page: 1 }, { page: 2 }, { page: 3 }] } }, { status: 'completed' }]);
  });
});
