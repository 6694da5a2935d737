import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { buildTestApi, type TestApi } from '../helpers/api-app.js';
import { eventually } from '../helpers/eventually.js';

/** Sends `request` on a fresh connection, sends nothing more, and resolves with all the server wrote once it closes the connection. */
function sendAndStall(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('HTTP server timeouts', () => {
  let api: TestApi;
  let port: number;
  const metrics = createMetrics();
  const logged: Array<{ level: number; code?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line) as { level: number; code?: string }) });

  beforeAll(async () => {
    api = await buildTestApi({ metrics, logger, httpTimeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 300 } });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as net.AddressInfo).port;
  });

  afterAll(() => api.app.close());

  const timeoutsCounted = async () => (await metrics.clientTimeouts.get()).values[0]?.value ?? 0;

  it('closes an upload that sends half its body and stalls, answering 408 REQUEST_TIMEOUT, and counts it', async () => {
    const before = await timeoutsCounted();
    const boundary = 'stalled-upload';
    const head =
      `POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.png"\r\nContent-Type: image/png\r\n\r\n`;
    const answer = await sendAndStall(port, head + 'x'.repeat(40_000));
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: expect.any(String) } });
    expect(await timeoutsCounted()).toBe(before + 1);
    const exposed = await api.app.inject('/metrics');
    expect(exposed.body).toMatch(new RegExp(`^ocr_http_client_timeouts_total ${before + 1}$`, 'm'));
    // The upload's handler meets the closed connection: a refused upload in the log, not an internal error.
    await eventually(() => logged.some(({ code }) => code === 'INVALID_MULTIPART'), 'the cut upload logged as refused');
    expect(logged.filter(({ level }) => level >= 50)).toEqual([]);
  });

  it('closes a connection whose headers never end, and counts it', async () => {
    const before = await timeoutsCounted();
    const answer = await sendAndStall(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await timeoutsCounted()).toBe(before + 1);
  });

  it('closes an idle keep-alive connection after a complete request, without counting it as a timeout', async () => {
    const before = await timeoutsCounted();
    const answer = await sendAndStall(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).not.toMatch(/408/);
    expect(await timeoutsCounted()).toBe(before);
  });

  it('answers requests that arrive in time as usual', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});
