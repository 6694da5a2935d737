import type { toJobBody } from '../job-body.js';
import type { FileError, Recognizer } from './recognizer.js';
import { uploadFields, type ReadOptions } from './upload-fields.js';

type JobBody = ReturnType<typeof toJobBody>;

/** The longest `?wait=` the service holds a request for. */
const WAIT_SECONDS = 30;

/** How long deleting the unfinished tasks may take after Ctrl-C before the command gives up on them. */
const CANCEL_TIMEOUT_MS = 5_000;

export interface RemoteOptions extends ReadOptions {
  /** Base URL of the service, without a trailing slash. */
  server: string;
  apiKey?: string;
}

/** An answer that is not what the command needs: carries the service's own code and message when it sent them. */
class RemoteError extends Error {
  constructor(readonly info: FileError) {
    super(info.message);
    this.name = 'RemoteError';
  }
}

async function errorOf(response: Response): Promise<RemoteError> {
  const body = (await response.json().catch(() => undefined)) as { error?: Partial<FileError> } | undefined;
  return new RemoteError({
    code: body?.error?.code ?? `HTTP_${response.status}`,
    message: body?.error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
  });
}

/**
 * Reads files on a running service: upload, wait for the task with `?wait=`, then fetch the rendition asked for.
 * It remembers every task it created until the task ends, so that a cancel can delete them.
 */
export function createRemoteRecognizer({ server, apiKey, ...read }: RemoteOptions): Recognizer {
  const { format } = read;
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const unfinished = new Set<string>();

  const call = async (path: string, init: RequestInit & { signal: AbortSignal }): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${server}${path}`, { ...init, headers });
    } catch (error) {
      if (init.signal.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RemoteError({
        code: 'SERVER_UNREACHABLE',
        message: `Cannot reach ${server} (${cause?.code ?? cause?.message ?? String(error)}). Check --server and that the service is running.`,
      });
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  };

  const upload = async (file: string, image: Buffer, signal: AbortSignal): Promise<string> => {
    const form = new FormData();
    for (const [name, value] of Object.entries(uploadFields(read))) form.append(name, value);
    form.append('file', new Blob([image]), file);
    const { task_id: taskId } = (await (await call('/upload', { method: 'POST', body: form, signal })).json()) as { task_id: string };
    return taskId;
  };

  const waitForEnd = async (taskId: string, signal: AbortSignal): Promise<JobBody> => {
    for (;;) {
      const body = (await (await call(`/result/${taskId}?wait=${WAIT_SECONDS}`, { signal })).json()) as JobBody;
      if (body.status === 'completed' || body.status === 'failed') return body;
    }
  };

  return {
    async recognize(file, image, signal) {
      try {
        const taskId = await upload(file, image, signal);
        unfinished.add(taskId);
        const body = await waitForEnd(taskId, signal);
        unfinished.delete(taskId);
        if (body.status === 'failed') return { ok: false, error: body.error ?? { code: 'FAILED', message: 'The task failed.' }, body };
        if (format === 'json') return { ok: true, body };
        if (format === 'text') return { ok: true, body, rendition: body.result!.text };
        const rendition = await call(`/result/${taskId}?format=${format}`, { signal });
        return { ok: true, body, rendition: Buffer.from(await rendition.arrayBuffer()) };
      } catch (error) {
        if (error instanceof RemoteError) return { ok: false, error: error.info };
        throw error;
      }
    },

    async close() {
      if (unfinished.size === 0) return;
      // Tasks the user no longer waits for would still take a worker's time: delete them.
      const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
      await Promise.allSettled([...unfinished].map((taskId) => call(`/result/${taskId}`, { method: 'DELETE', signal })));
      unfinished.clear();
    },
  };
}
