import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyHttpOptions } from 'fastify';
import type { HttpTimeouts } from '../config.js';
import { ERROR_CODES, type ErrorCode } from '../errors.js';

/** Node reports a client error on a connection with one of these codes; anything else is a malformed request. */
const CLIENT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'REQUEST_TIMEOUT',
    message: 'The request did not arrive in time: its headers, or its body, stopped coming. Send it again.',
  },
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', message: 'The request headers are larger than the server accepts.' },
};
const MALFORMED = { code: 'BAD_REQUEST', message: 'The request is not well-formed HTTP.' } as const;

/**
 * How often Node looks for requests past their timeouts. Its default, 30 s, would let a stalled upload stay up to
 * 30 s past HTTP_REQUEST_TIMEOUT_MS; the check walks only the open connections, so a tenth of the shortest timeout
 * (at most a second) costs nothing.
 */
const checkingIntervalMs = ({ headersMs }: HttpTimeouts) => Math.max(10, Math.min(1_000, Math.floor(headersMs / 10)));

/**
 * Fastify's options for a server that waits on no client for longer than `timeouts` allow: the headers, the whole
 * request, the next request on an idle connection. A request cut short is answered 408 REQUEST_TIMEOUT (in the
 * service's error body, when the connection can still take it), the connection closed, and `onTimeout` called.
 */
export function serverOptions(timeouts: HttpTimeouts, onTimeout: () => void): FastifyHttpOptions<Server> {
  return {
    // Fastify sets these on the server itself after creating it, so they are given here and not only in `http`.
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: checkingIntervalMs(timeouts) },
    clientErrorHandler(error: ConnectionError, socket: Socket) {
      // A reset connection has nobody left to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const known = CLIENT_ERRORS[error.code] ?? MALFORMED;
      if (known.code === 'REQUEST_TIMEOUT') onTimeout();
      if (socket.writable) {
        const body = JSON.stringify({ error: { code: known.code, message: known.message } });
        const status = ERROR_CODES[known.code].status;
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  };
}
