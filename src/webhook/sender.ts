import type { LookupAddress, LookupOptions } from 'node:dns';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { backoffDelay, sleep, type Backoff } from '../backoff.js';
import { isAppError } from '../errors.js';
import type { CallbackDelivery } from '../job.js';
import { isIpLiteral, parseCallbackUrl, type AddressPolicy } from './address-policy.js';
import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from './signature.js';

export interface WebhookSenderOptions {
  secret: string;
  /** Where callbacks may connect: checked again at every connection. */
  addressPolicy: AddressPolicy;
  maxAttempts: number;
  timeoutMs: number;
  /** Waits between attempts: doubling from the first, capped, jittered. */
  retryBackoff: Backoff;
  logger: Logger;
}

export interface WebhookSender {
  /** POSTs the body, signed, retrying with back-off; never throws. */
  deliver(url: string, body: unknown, context: { taskId: string }): Promise<CallbackDelivery>;
  close(): Promise<void>;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Answers worth another try: the receiver is overloaded, restarting or timed out. */
const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Sends job results to callback URLs. The address check runs again at connection time, inside the
 * socket's DNS lookup, so a name that changes its answer after the upload-time check (DNS rebinding)
 * still cannot reach a private address.
 */
export function createWebhookSender({ secret, addressPolicy, maxAttempts, timeoutMs, retryBackoff, logger }: WebhookSenderOptions): WebhookSender {
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    addressPolicy.resolve(hostname).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(Object.assign(error, { code: 'ECALLBACKFORBIDDEN' }), ''),
    );
  };
  const agent = new Agent({ connect: { lookup, timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });

  const attempt = async (url: URL, payload: string): Promise<{ status?: number; error?: string; retry: boolean }> => {
    // Host names go through the lookup above; a literal IP never does, so check it here (and only it).
    if (isIpLiteral(url.hostname)) await addressPolicy.resolve(url.hostname);
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      body: payload,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'image-ocr-app-webhook',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signPayload(secret, timestamp, payload),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return {
      status: response.statusCode,
      retry: !ok && isRetryableStatus(response.statusCode),
      ...(ok ? {} : { error: `answered ${response.statusCode}` }),
    };
  };

  return {
    async deliver(rawUrl, body, { taskId }) {
      const payload = JSON.stringify(body);
      const log = logger.child({ task_id: taskId, callback_url: rawUrl });
      let outcome: { status?: number; error?: string; retry: boolean } = { retry: true };
      let attempts = 0;
      while (outcome.retry && attempts < maxAttempts) {
        if (attempts > 0) await sleep(backoffDelay(attempts, retryBackoff));
        attempts += 1;
        try {
          outcome = await attempt(parseCallbackUrl(rawUrl), payload);
        } catch (error) {
          const refused = isAppError(error) || (error as NodeJS.ErrnoException).code === 'ECALLBACKFORBIDDEN';
          outcome = { error: (error as Error).message, retry: !refused };
        }
        if (outcome.error) log.warn({ attempt: attempts, status: outcome.status, reason: outcome.error }, 'callback attempt failed');
      }
      const delivered = outcome.error === undefined;
      if (delivered) log.info({ attempts }, 'callback delivered');
      return {
        url: rawUrl,
        status: delivered ? 'delivered' : 'failed',
        attempts,
        ...(outcome.status === undefined ? {} : { lastStatus: outcome.status }),
        ...(outcome.error === undefined ? {} : { lastError: outcome.error }),
        finishedAt: new Date().toISOString(),
      };
    },
    close: () => agent.close(),
  };
}
