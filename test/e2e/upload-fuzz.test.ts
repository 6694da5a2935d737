import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForResult } from '../helpers/client.js';
import { renderTextImage } from '../helpers/images.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';

interface Answer {
  status: number;
  body: string;
}

/** Sends raw bytes as a POST /upload body, with whatever headers the case wants. */
function rawPost(port: number, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/upload', headers: { ...headers, 'content-length': String(body.length) } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const BOUNDARY = 'fuzzboundary7MA4YWxk';

function multipart(parts: Array<{ headers: string; content: Buffer }>, boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) chunks.push(Buffer.from(`--${boundary}\r\n${part.headers}\r\n\r\n`), part.content, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const filePart = (content: Buffer, filename: Buffer | string = 'scan.png', field = 'file') => ({
  headers: Buffer.concat([
    Buffer.from(`Content-Disposition: form-data; name="${field}"; filename="`),
    Buffer.isBuffer(filename) ? filename : Buffer.from(filename),
    Buffer.from('"\r\nContent-Type: image/png'),
  ]).toString('latin1'),
  content,
});

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function expectClientError(answer: Answer): void {
  expect(answer.status, answer.body).toBeGreaterThanOrEqual(400);
  expect(answer.status, answer.body).toBeLessThan(500);
  expect(JSON.parse(answer.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

describe('malformed uploads never get a 5xx and never take the API down', () => {
  let service: InProcessService;
  let png: Buffer;

  beforeAll(async () => {
    // Hundreds of requests from one address: lift the per-client rate limit, which is not under test here.
    service = await startInProcessService({ MAX_UPLOAD_BYTES: '300000', RATE_LIMIT_MAX: '100000' });
    png = await renderTextImage('Fuzz');
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('multipart without a boundary', async () => {
    expectClientError(await rawPost(service.port, { 'content-type': 'multipart/form-data' }, multipart([filePart(png)])));
  });

  it('two files in one form', async () => {
    const body = multipart([filePart(png), filePart(png, 'second.png')]);
    expectClientError(await rawPost(service.port, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body));
  });

  it('a file in a field other than "file"', async () => {
    const body = multipart([filePart(png, 'scan.png', 'image')]);
    expectClientError(await rawPost(service.port, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body));
  });

  it('a huge text field', async () => {
    const body = multipart([{ headers: 'Content-Disposition: form-data; name="lang"', content: Buffer.alloc(200_000, 'e') }, filePart(png)]);
    expectClientError(await rawPost(service.port, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body));
  });

  it('a body that stops before the closing boundary', async () => {
    const body = multipart([filePart(png)]);
    expectClientError(
      await rawPost(service.port, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body.subarray(0, body.length - 200)),
    );
  });

  it('a connection that dies in the middle of the upload', async () => {
    const body = multipart([filePart(png)]);
    await new Promise<void>((resolve) => {
      const socket = net.connect(service.port, '127.0.0.1', () => {
        socket.write(
          `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        // Cut once half the body has left for the server, so the API is in the middle of reading the upload.
        socket.write(body.subarray(0, body.length / 2), () => socket.destroy());
      });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('file names that are not UTF-8', async () => {
    const body = multipart([filePart(png, Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x2e, 0x70, 0x6e, 0x67]))]);
    const answer = await rawPost(service.port, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body);
    expect(answer.status).toBe(202);
  });

  it('three hundred randomly damaged forms', async () => {
    const next = random(20261125);
    const valid = multipart([{ headers: 'Content-Disposition: form-data; name="lang"', content: Buffer.from('eng') }, filePart(png)]);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i += 1) {
      const body = Buffer.from(valid);
      const damage = 1 + Math.floor(next() * 8);
      for (let d = 0; d < damage; d += 1) body[Math.floor(next() * Math.min(body.length, 400))] = Math.floor(next() * 256);
      const cut = next() < 0.3 ? Math.floor(next() * body.length) : body.length;
      const answer = await rawPost(service.port, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body.subarray(0, cut));
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(answer.status, `case ${i}: ${answer.body}`).toBeLessThan(500);
      if (answer.status !== 202) expectClientError(answer);
    }
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
  });

  it('still reads images afterwards', async () => {
    const accepted = await upload(service.url, await renderTextImage('After the storm'));
    expect((await waitForResult(service.url, accepted.body.task_id)).result.text).toContain('After the storm');
  });
});
