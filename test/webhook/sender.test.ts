import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender } from '../../src/webhook/sender.js';
import { verifySignature } from '../../src/webhook/signature.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

const SECRET = 'test-secret';

describe('webhook sender', () => {
  const received: Received[] = [];
  let answers: number[] = [];
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.statusCode = answers.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));
  afterEach(() => {
    received.length = 0;
    answers = [];
  });

  const sender = (allowPrivate: boolean) =>
    createWebhookSender({ secret: SECRET, allowPrivate, maxAttempts: 4, timeoutMs: 2000, retryDelayMs: 20, logger: pino({ level: 'silent' }) });

  it('POSTs the body signed over timestamp and body, and the signature verifies', async () => {
    const delivery = await sender(true).deliver(url, { task_id: 't1', status: 'completed' }, { taskId: 't1' });
    expect(delivery).toMatchObject({ url, status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [Received];
    expect(JSON.parse(body)).toEqual({ task_id: 't1', status: 'completed' });
    expect(headers['content-type']).toBe('application/json');
    const signed = { timestamp: String(headers['x-ocr-timestamp']), body, signature: String(headers['x-ocr-signature']) };
    expect(verifySignature(SECRET, signed)).toBe(true);
    expect(verifySignature('another-secret', signed)).toBe(false);
    expect(verifySignature(SECRET, { ...signed, body: body.replace('completed', 'failed') })).toBe(false);
    expect(verifySignature(SECRET, signed, { now: Date.now() + 3_600_000 })).toBe(false);
  });

  it('retries a failing receiver with back-off until it accepts', async () => {
    answers = [503, 500, 200];
    const delivery = await sender(true).deliver(url, { n: 1 }, { taskId: 't2' });
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    expect(received).toHaveLength(3);
  });

  it('gives up after the bounded attempts and records the failure', async () => {
    answers = [503, 503, 503, 503, 503];
    const delivery = await sender(true).deliver(url, { n: 2 }, { taskId: 't3' });
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 503, lastError: 'answered 503' });
  });

  it('does not retry an answer that will not change (4xx)', async () => {
    answers = [404];
    const delivery = await sender(true).deliver(url, { n: 3 }, { taskId: 't4' });
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 404 });
  });

  it('refuses loopback by address and by name when private addresses are not allowed, without connecting', async () => {
    for (const target of [url, url.replace('127.0.0.1', 'localhost')]) {
      const delivery = await sender(false).deliver(target, { n: 4 }, { taskId: 't5' });
      expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/not allowed/) });
    }
    expect(received).toHaveLength(0);
  });
});
