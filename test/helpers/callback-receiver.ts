import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface CallbackReceiver {
  url: string;
  /** Every request received, in order. */
  received: ReceivedCallback[];
  /** Status codes to answer with, one per request; 200 once they run out. */
  answers: number[];
  close(): Promise<void>;
}

/** An HTTP server on loopback that records what callbacks bring and answers as the test says. */
export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const receiver = { received: [] as ReceivedCallback[], answers: [] as number[] };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      receiver.received.push({ headers: request.headers, body });
      response.statusCode = receiver.answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
