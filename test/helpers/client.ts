/** A thin client for the HTTP contract, as a user's code would call it. */

export interface JsonAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when the answer has none (204). */
  body: Record<string, any>;
}

/** Sends a request and reads the whole answer, so no connection is left busy with an unread body. */
export async function requestJson(url: string, init?: RequestInit): Promise<JsonAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}

export interface UploadFields {
  lang?: string;
  psm?: string;
  /** Renditions besides the text, comma-separated: words, lines, hocr, tsv, pdf. */
  output?: string;
  preprocess?: string;
  callback_url?: string;
  /** Documents: the pages to read (`2-3`), and whether to OCR pages that have a text layer. */
  pages?: string;
  force_ocr?: string;
  filename?: string;
  contentType?: string;
}

export async function upload(
  baseUrl: string,
  image: Buffer,
  { filename = 'scan.png', contentType = 'image/png', ...fields }: UploadFields = {},
  headers?: Record<string, string>,
): Promise<JsonAnswer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  form.append('file', new Blob([image], { type: contentType }), filename);
  return requestJson(`${baseUrl}/upload`, { method: 'POST', body: form, ...(headers ? { headers } : {}) });
}

/**
 * A multipart form encoded once, as `app.inject()` and a raw HTTP client take it: the body and its content type
 * with the boundary.
 */
export async function multipart(fields: Record<string, string | Blob>): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}

export function getResult(baseUrl: string, taskId: string, waitSeconds = 0): Promise<JsonAnswer> {
  return requestJson(`${baseUrl}/result/${taskId}${waitSeconds ? `?wait=${waitSeconds}` : ''}`);
}

/** Waits until the task is completed or failed, long-polling as a client would. */
export async function waitForResult(baseUrl: string, taskId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getResult(baseUrl, taskId, 20);
    if (status !== 200) throw new Error(`GET /result/${taskId} answered ${status}: ${JSON.stringify(body)}`);
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${body.status} after ${timeoutMs} ms`);
  }
}
