/** The calls the page makes to the API that served it, with the API key when one is set. */
import { KEY_NEEDED_EVENT, readApiKey } from './api-key.js';

export interface TextBox {
  text: string;
  /** 0 to 100. */
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/** One page of a document's result: its text, and its word boxes in the pixels of its page image. */
export interface ResultPage {
  page: number;
  text: string;
  confidence: number;
  source: 'text-layer' | 'ocr';
  words?: TextBox[];
}

/** The parts of `GET /result/{id}` the page reads. */
export interface TaskBody {
  task_id: string;
  status: 'queued' | 'processing' | 'completed' | 'failed';
  progress: number | null;
  result: { text: string; confidence: number; lang: string; words?: TextBox[]; pages?: ResultPage[]; formats: string[] } | null;
  error: { code: string; message: string } | null;
}

/** An answer other than 2xx, or no answer at all, with the API's code and a message a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API's own `{ error: { code, message } }`, worded for the two answers a person must do something about. */
async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  const code = body?.error?.code ?? `HTTP_${response.status}`;
  const message = body?.error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
  if (response.status === 401) {
    document.dispatchEvent(new Event(KEY_NEEDED_EVENT));
    return new ApiError(code, `This server needs an API key: enter yours in the "API key" field and try again. (${message})`);
  }
  if (response.status === 429) {
    const retryAfter = response.headers.get('retry-after');
    return new ApiError(code, `Too many uploads for now${retryAfter ? `: try again in ${retryAfter} seconds` : ', try again shortly'}. (${message})`);
  }
  return new ApiError(code, message);
}

/** Sends a request to the API with the key, and throws an ApiError for any answer but 2xx. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = readApiKey();
  if (key) headers.set('authorization', `Bearer ${key}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError('NETWORK_ERROR', 'The server cannot be reached. Check that it is running and try again.');
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** `apiFetch` for a JSON answer. */
export async function apiJson<T>(path: string, init?: RequestInit): Promise<T> {
  return (await apiFetch(path, init)).json() as Promise<T>;
}

/** `apiFetch` for an image or a file, as an object URL the page may show (an `<img src>` could not carry the key). */
export async function apiObjectUrl(path: string): Promise<string> {
  return URL.createObjectURL(await (await apiFetch(path)).blob());
}
