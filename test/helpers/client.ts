/** A thin client for the HTTP contract, as a user's code would call it. */
export interface UploadFields {
  lang?: string;
  psm?: string;
  /** Renditions besides the text, comma-separated: words, lines, hocr, tsv, pdf. */
  output?: string;
  preprocess?: string;
  filename?: string;
  contentType?: string;
}

export async function upload(baseUrl: string, image: Buffer, { filename = 'scan.png', contentType = 'image/png', ...fields }: UploadFields = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  form.append('file', new Blob([image], { type: contentType }), filename);
  const response = await fetch(`${baseUrl}/upload`, { method: 'POST', body: form });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

export async function getResult(baseUrl: string, taskId: string, waitSeconds = 0) {
  const response = await fetch(`${baseUrl}/result/${taskId}${waitSeconds ? `?wait=${waitSeconds}` : ''}`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
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
