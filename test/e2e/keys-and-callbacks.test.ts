import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAddressPolicy } from '../../src/webhook/address-policy.js';
import { verifySignature } from '../../src/webhook/signature.js';
import { buildTestApi, multipart, type TestApi } from '../helpers/api-app.js';
import { requestJson, upload, type UploadFields } from '../helpers/client.js';
import { startCallbackReceiver, type CallbackReceiver } from '../helpers/callback-receiver.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';

const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdef';
const SECRET = 'callback-secret-for-tests';

const bearer = (key: string | undefined): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

function call(url: string, { key, headers, ...init }: Omit<RequestInit, 'headers'> & { key?: string; headers?: Record<string, string> } = {}) {
  return requestJson(url, { ...init, headers: { ...headers, ...bearer(key) } });
}

function uploadAs(
  service: InProcessService,
  key: string | undefined,
  image: Buffer,
  fields: UploadFields = {},
  headers: Record<string, string> = {},
) {
  return upload(service.url, image, fields, { ...headers, ...bearer(key) });
}

describe('API keys, idempotency and callbacks', () => {
  let service: InProcessService;
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    service = await startInProcessService({
      API_KEYS: `alice:${ALICE},bob:${BOB}`,
      CALLBACK_SECRET: SECRET,
      CALLBACK_ALLOW_PRIVATE: 'true',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
  });

  it('refuses job routes without a valid key, and keeps health, readiness and docs open', async () => {
    const image = await renderTextImage('Keys');
    expect(await uploadAs(service, undefined, image)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await uploadAs(service, 'not-a-key-at-all-000000', image)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect((await call(`${service.url}/result/anything`)).status).toBe(401);
    for (const path of ['/health', '/ready', '/openapi.json', '/docs/', '/metrics']) {
      const response = await fetch(`${service.url}${path}`);
      await response.arrayBuffer();
      expect(response.status, path).toBe(200);
    }
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/ocr_http_request_duration_seconds_count\{route="\/upload",method="POST",status="401"\} 2/);
    const viaHeader = await call(`${service.url}/result/unknown`, { headers: { 'x-api-key': ALICE } });
    expect(viaHeader.status).toBe(404);
  });

  it('keeps a job to the key that made it: another key cannot read, wait on or delete it', async () => {
    const accepted = await uploadAs(service, ALICE, await renderTextImage('Only for Alice'));
    expect(accepted.status).toBe(202);
    const id = accepted.body.task_id as string;
    for (const request of [
      call(`${service.url}/result/${id}`, { key: BOB }),
      call(`${service.url}/result/${id}?wait=2`, { key: BOB }),
      call(`${service.url}/result/${id}`, { key: BOB, method: 'DELETE' }),
    ]) {
      expect(await request).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    }
    const own = await call(`${service.url}/result/${id}?wait=20`, { key: ALICE });
    expect(own.body).toMatchObject({ status: 'completed', result: { text: expect.stringContaining('Only for Alice') } });
  });

  it('answers a retried upload with the same Idempotency-Key with the first task, and a different body with 409', async () => {
    const image = await renderTextImage('Once only');
    const headers = { 'idempotency-key': `retry-${Date.now()}` };
    const first = await uploadAs(service, ALICE, image, {}, headers);
    const again = await uploadAs(service, ALICE, image, {}, headers);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.task_id).toBe(first.body.task_id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await uploadAs(service, ALICE, await renderTextImage('Something else'), {}, headers);
    expect(other).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
    // Keys are per API key: Bob's identical key starts his own task.
    const bobs = await uploadAs(service, BOB, image, {}, headers);
    expect(bobs.status).toBe(202);
    expect(bobs.body.task_id).not.toBe(first.body.task_id);
  });

  it('POSTs the finished job to callback_url, signed, retrying a failing receiver, and records the delivery', async () => {
    receiver.answers.push(503, 503, 204);
    const accepted = await uploadAs(service, ALICE, await renderTextImage('Call me back'), { callback_url: receiver.url });
    expect(accepted.status).toBe(202);
    const id = accepted.body.task_id as string;
    await eventually(() => receiver.received.length >= 3, 'three callback attempts', 30_000);
    const { headers, body } = receiver.received.at(-1)!;
    expect(JSON.parse(body)).toMatchObject({ task_id: id, status: 'completed', result: { text: expect.stringContaining('Call me back') } });
    expect(verifySignature(SECRET, { timestamp: String(headers['x-ocr-timestamp']), body, signature: String(headers['x-ocr-signature']) })).toBe(
      true,
    );
    // The delivery is recorded right after the receiver's answer: wait until it shows.
    let job: Record<string, any> = {};
    await eventually(async () => {
      job = (await call(`${service.url}/result/${id}`, { key: ALICE })).body;
      return job.callback?.status === 'delivered';
    }, 'the delivery recorded on the task');
    expect(job.callback).toMatchObject({ url: receiver.url, status: 'delivered', attempts: 3, last_status: 204 });
  });

  it('refuses a callback_url that is not http(s)', async () => {
    const answer = await uploadAs(service, ALICE, await renderTextImage('x'), { callback_url: 'file:///etc/passwd' });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'INVALID_CALLBACK_URL' } } });
  });
});

describe('rate limits and private callback addresses', () => {
  /** The API as RATE_LIMIT_MAX=3 and CALLBACK_SECRET set it up, answering through app.inject: no job is read here. */
  const buildApi = (windowMs: number) =>
    buildTestApi({
      rateLimit: { max: 3, windowMs },
      callbacks: { enabled: true, addressPolicy: createAddressPolicy({ allowPrivate: false }) },
    });

  const injectUpload = async (api: TestApi, file: Buffer, fields: Record<string, string> = {}) => {
    const answer = await api.app.inject({ method: 'POST', url: '/upload', ...(await multipart({ ...fields, file: new Blob([file]) })) });
    return { status: answer.statusCode, headers: answer.headers, body: answer.json<Record<string, any>>() };
  };

  it('answers uploads past the limit with 429, Retry-After and the JSON error body, then recovers', async () => {
    const api = await buildApi(1_000);
    try {
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof injectUpload>> | undefined;
      for (let i = 0; i < 5; i += 1) {
        const answer = await injectUpload(api, Buffer.alloc(0));
        statuses.push(answer.status);
        if (answer.status === 429) limited = answer;
      }
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
      expect(limited!.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('Retry after') } });
      const retryAfter = Number(limited!.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect((await api.app.inject('/result/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
      // Waiting as long as Retry-After says is the behaviour under test: a client that does is let through again.
      await sleep(retryAfter * 1_000);
      expect((await injectUpload(api, Buffer.alloc(0))).status).toBe(400);
    } finally {
      await api.app.close();
    }
  });

  it('refuses callbacks to loopback, private and metadata addresses', async () => {
    const api = await buildApi(60_000);
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost/hook', 'http://169.254.169.254/latest']) {
        const answer = await injectUpload(api, await renderTextImage('x'), { callback_url: url });
        expect(answer).toMatchObject({ status: 400, body: { error: { code: 'INVALID_CALLBACK_URL' } } });
      }
    } finally {
      await api.app.close();
    }
  });
});
