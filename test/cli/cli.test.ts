import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_DIR, expectedPages } from '../helpers/documents.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { imageOcr } from '../helpers/cli.js';
import { freePort, startService, type RunningService } from '../helpers/service.js';

const SCAN = fileURLToPath(new URL('../fixtures/scan.png', import.meta.url));
const SCAN_TEXT = fs.readFileSync(fileURLToPath(new URL('../fixtures/scan.txt', import.meta.url)), 'utf8');

describe('the image-ocr command', () => {
  let service: RunningService;
  let scratch: string;
  let notAnImage: string;

  beforeAll(async () => {
    service = await startService();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'image-ocr-cli-'));
    notAnImage = path.join(scratch, 'notes.png');
    fs.writeFileSync(notAnImage, 'This is a text file, not a picture.\n');
  });

  afterAll(async () => {
    await service?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('prints the text of an image read by a running service', async () => {
    const run = await imageOcr(['--server', service.url, SCAN]);
    expect(run.code, run.stderr).toBe(0);
    expect(characterErrorRate(SCAN_TEXT, run.stdout.toString())).toBeLessThanOrEqual(0.02);
  });

  it('prints the same text with no server, reading the image in its own process', async () => {
    const run = await imageOcr([SCAN]);
    expect(run.code, run.stderr).toBe(0);
    expect(characterErrorRate(SCAN_TEXT, run.stdout.toString())).toBeLessThanOrEqual(0.02);
  });

  it('reads a PDF in its own process, pages separated by form feeds', { timeout: 120_000 }, async () => {
    const run = await imageOcr([path.join(DOCS_DIR, 'mixed2.pdf')]);
    expect(run.code, run.stderr).toBe(0);
    const pages = run.stdout.toString().split('\f');
    expect(pages).toHaveLength(2);
    expectedPages('mixed2').forEach((expected, index) => expect(characterErrorRate(expected, pages[index]!)).toBeLessThanOrEqual(0.02));
  });

  it.each([
    ['on the service', () => ['--server', service.url]],
    ['in-process', () => []],
  ])('%s: exits 1 for a text file named .png, with its code on stderr, and still reads the good file', async (_where, server) => {
    const run = await imageOcr([...server(), '--json', notAnImage, SCAN]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${notAnImage}: UNSUPPORTED_MEDIA_TYPE: The file is not an image we can read.`);
    const lines = run.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.file, line.status])).toEqual([
      [notAnImage, 'failed'],
      [SCAN, 'completed'],
    ]);
    expect(lines[1].result.text).toContain('The board will meet');
  });

  it('writes one file per input into --out, here searchable PDFs from the service', async () => {
    const out = path.join(scratch, 'pdfs');
    const copy = path.join(scratch, 'second.png');
    fs.copyFileSync(SCAN, copy);
    const run = await imageOcr(['--server', service.url, '--format', 'pdf', '--out', out, SCAN, copy]);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['scan.pdf', 'second.pdf']);
    expect(fs.readFileSync(path.join(out, 'scan.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(run.stdout.length).toBe(0);
  });

  it('exits 1 with SERVER_UNREACHABLE when nothing listens at --server', async () => {
    const run = await imageOcr(['--server', `http://127.0.0.1:${await freePort()}`, SCAN]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/scan\.png: SERVER_UNREACHABLE: Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('exits 2 on a command line it cannot run, with the usage', async () => {
    const run = await imageOcr(['--psm', '99', SCAN]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--psm must be a whole number from 0 to 13');
    expect(run.stderr).toContain('Usage: image-ocr');
  });

  it('exits 2 with the usage on an unknown flag, never taking the file that follows as its value', async () => {
    const run = await imageOcr(['--bogus', SCAN]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown option --bogus');
    expect(run.stderr).toContain('Usage: image-ocr');
    expect(run.stdout.length).toBe(0);
  });

  it('--help names auto, the installed languages, documents, page ranges and the output formats', async () => {
    const run = await imageOcr(['--help']);
    expect(run.code).toBe(0);
    const help = run.stdout.toString();
    for (const expected of ['auto', 'eng, fra', 'PDF', '--pages', '1-3,5', 'hocr, tsv, pdf, json']) expect(help).toContain(expected);
  });

  it("cancels on Ctrl-C: exits 130 and deletes the server's unfinished task", async () => {
    // A server that accepts the upload and never finishes it, and records what the client deletes.
    const deleted: string[] = [];
    let uploaded!: () => void;
    const uploadSeen = new Promise<void>((resolve) => (uploaded = resolve));
    const server = http.createServer((request, response) => {
      if (request.method === 'POST') {
        request.resume();
        request.on('end', () => {
          response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ task_id: 'task-1', status: 'queued' }));
          uploaded();
        });
      } else if (request.method === 'DELETE') {
        deleted.push(request.url!);
        response.writeHead(204).end();
      } else {
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'queued' })), 200);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const run = await imageOcr(['--server', `http://127.0.0.1:${port}`, SCAN], {
        onStart: (child) => void uploadSeen.then(() => setTimeout(() => child.kill('SIGINT'), 300)),
      });
      expect(run.code, run.stderr).toBe(130);
      expect(deleted).toEqual(['/result/task-1']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
