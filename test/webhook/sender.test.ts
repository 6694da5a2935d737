import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy, type Resolver } from '../../src/webhook/address-policy.js';
import { createWebhookSender } from '../../src/webhook/sender.js';
import { verifySignature } from '../../src/webhook/signature.js';
import { startCallbackReceiver, type CallbackReceiver, type ReceivedCallback } from '../helpers/callback-receiver.js';

const SECRET = 'test-secret';

describe('webhook sender', () => {
  let receiver: CallbackReceiver;
  let url: string;

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    url = receiver.url;
  });

  afterAll(() => receiver.close());
  afterEach(() => {
    receiver.received.length = 0;
    receiver.answers.length = 0;
  });

  const sender = (allowPrivate: boolean, resolve?: Resolver) =>
    createWebhookSender({
      secret: SECRET,
      addressPolicy: createAddressPolicy({ allowPrivate, ...(resolve && { resolve }) }),
      maxAttempts: 4,
      timeoutMs: 2000,
      retryBackoff: { initialMs: 20, maxMs: 1_000 },
      logger: pino({ level: 'silent' }),
    });

  it('POSTs the body signed over timestamp and body, and the signature verifies', async () => {
    const delivery = await sender(true).deliver(url, { task_id: 't1', status: 'completed' }, { taskId: 't1' });
    expect(delivery).toMatchObject({ url, status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(receiver.received).toHaveLength(1);
    const [{ headers, body }] = receiver.received as [ReceivedCallback];
    expect(JSON.parse(body)).toEqual({ task_id: 't1', status: 'completed' });
    expect(headers['content-type']).toBe('application/json');
    const signed = { timestamp: String(headers['x-ocr-timestamp']), body, signature: String(headers['x-ocr-signature']) };
    expect(verifySignature(SECRET, signed)).toBe(true);
    expect(verifySignature('another-secret', signed)).toBe(false);
    expect(verifySignature(SECRET, { ...signed, body: body.replace('completed', 'failed') })).toBe(false);
    expect(verifySignature(SECRET, signed, { now: Date.now() + 3_600_000 })).toBe(false);
  });

  it('retries a failing receiver with back-off until it accepts', async () => {
    receiver.answers.push(503, 500, 200);
    const delivery = await sender(true).deliver(url, { n: 1 }, { taskId: 't2' });
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    expect(receiver.received).toHaveLength(3);
  });

  it('gives up after the bounded attempts and records the failure', async () => {
    receiver.answers.push(503, 503, 503, 503, 503);
    const delivery = await sender(true).deliver(url, { n: 2 }, { taskId: 't3' });
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 503, lastError: 'answered 503' });
  });

  it('does not retry an answer that will not change (4xx)', async () => {
    receiver.answers.push(404);
    const delivery = await sender(true).deliver(url, { n: 3 }, { taskId: 't4' });
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 404 });
  });

  it('refuses loopback by address and by name when private addresses are not allowed, without connecting', async () => {
    for (const target of [url, url.replace('127.0.0.1', 'localhost')]) {
      const delivery = await sender(false).deliver(target, { n: 4 }, { taskId: 't5' });
      expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/not allowed/) });
    }
    expect(receiver.received).toHaveLength(0);
  });

  it.each([
    ['a name that resolves to NAT64 loopback', 'http://hook.example/cb', '64:ff9b::7f00:1'],
    ['a name that resolves to IPv4-compatible loopback', 'http://hook.example/cb', '::7f00:1'],
    ['a Teredo address whose client is 127.0.0.1', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/cb', ''],
    ['a 6to4 address of a private network', 'http://[2002:c0a8:101::1]/cb', ''],
  ])('refuses %s at connection time, without connecting', async (_case, target, resolved) => {
    const resolve: Resolver = async () => [{ address: resolved, family: 6 }];
    const delivery = await sender(false, resolve).deliver(target, { n: 5 }, { taskId: 't6' });
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/not allowed/) });
    expect(receiver.received).toHaveLength(0);
  });
});
