/** One card per chosen file: it uploads the file, shows the task's progress, then its text or what went wrong. */
import { ApiError, apiJson, type TaskBody } from './api.js';
import { DOWNLOADS, downloadRendition } from './downloads.js';
import type { UploadChoices } from './options.js';
import { showResult } from './result-view.js';

/** Every upload asks for the word boxes (drawn on the image) and the renditions the card offers for download. */
const OUTPUTS = ['words', ...DOWNLOADS.map(({ format }) => format).filter((format) => format !== 'text')].join(',');

/** How long each poll holds the request (`?wait=`): the answer comes at once when the task ends. */
const POLL_WAIT_SECONDS = 1;

/** The elements of one card, from the page's `<template id="card-template">`. */
class Card {
  readonly root: HTMLElement;

  constructor(template: HTMLTemplateElement) {
    this.root = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
  }

  part<T extends Element>(selector: string): T {
    return this.root.querySelector<T>(selector)!;
  }

  setStatus(message: string, progress?: number): void {
    this.part('.status').textContent = message;
    const bar = this.part<HTMLProgressElement>('progress');
    // No value: the bar shows that something is happening without claiming how much.
    if (progress === undefined) bar.removeAttribute('value');
    else bar.value = progress;
  }

  fail(code: string, message: string): void {
    this.root.setAttribute('aria-busy', 'false');
    this.root.classList.add('failed');
    this.part<HTMLProgressElement>('progress').hidden = true;
    this.setStatus('Failed');
    const error = this.part<HTMLElement>('.error');
    error.textContent = `${message} (${code})`;
    error.hidden = false;
  }
}

async function upload(file: File, choices: UploadChoices): Promise<string> {
  const form = new FormData();
  form.append('lang', choices.lang);
  if (choices.psm) form.append('psm', choices.psm);
  if (!choices.preprocess) form.append('preprocess', 'false');
  form.append('output', OUTPUTS);
  form.append('file', file, file.name);
  const { task_id: taskId } = await apiJson<{ task_id: string }>('/upload', { method: 'POST', body: form });
  return taskId;
}

/** Polls `GET /result/{id}?wait=` until the task ends, reporting its state on the way. */
async function waitForEnd(taskId: string, onUpdate: (task: TaskBody) => void): Promise<TaskBody> {
  for (;;) {
    const task = await apiJson<TaskBody>(`/result/${encodeURIComponent(taskId)}?wait=${POLL_WAIT_SECONDS}`);
    if (task.status === 'completed' || task.status === 'failed') return task;
    onUpdate(task);
  }
}

function showProgress(card: Card, task: TaskBody): void {
  if (task.status === 'queued') card.setStatus('Waiting for a worker…', 0);
  else card.setStatus(`Reading… ${Math.round((task.progress ?? 0) * 100)} %`, task.progress ?? 0);
}

/** The copy button, the boxes toggle and a button per download, for a completed task. */
function enableActions(card: Card, taskId: string, text: string, fileName: string): void {
  const actions = card.part<HTMLElement>('.actions');
  const notice = card.part<HTMLElement>('.action-notice');
  card.part<HTMLInputElement>('.toggle-boxes').addEventListener('change', (event) => {
    card.part<SVGSVGElement>('.word-boxes').classList.toggle('hidden', !(event.target as HTMLInputElement).checked);
  });
  card.part<HTMLButtonElement>('.copy').addEventListener('click', () => {
    navigator.clipboard.writeText(text).then(
      () => (notice.textContent = 'Text copied.'),
      () => {
        // Without clipboard access (an insecure origin), select the text so Ctrl+C copies it.
        getSelection()?.selectAllChildren(card.part('[data-testid="result-text"]'));
        notice.textContent = 'Press Ctrl+C to copy the selected text.';
      },
    );
  });
  const base = fileName.replace(/\.[^.]*$/, '') || 'scan';
  const downloads = card.part<HTMLElement>('.downloads');
  for (const { format, label, extension } of DOWNLOADS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.setAttribute('aria-label', `Download ${label} of ${fileName}`);
    button.addEventListener('click', () => {
      downloadRendition(taskId, format, `${base}.${extension}`).catch((error: unknown) => {
        notice.textContent = error instanceof Error ? error.message : String(error);
      });
    });
    downloads.append(button);
  }
  actions.hidden = false;
}

/**
 * Adds a card for the file to the list and runs it to the end. It never rejects: whatever goes wrong is shown on
 * the card, in the API's words.
 */
export async function runCard(file: File, choices: UploadChoices, list: HTMLElement, template: HTMLTemplateElement): Promise<void> {
  const card = new Card(template);
  card.part('.file-name').textContent = file.name;
  const image = card.part<HTMLImageElement>('.page-image');
  const preview = URL.createObjectURL(file);
  image.alt = `The uploaded image ${file.name}`;
  // Types the browser cannot show (TIFF, PBM, PDF) still get their text, without the picture.
  image.addEventListener('error', () => (card.part<HTMLElement>('.page').hidden = true), { once: true });
  image.src = preview;
  card.setStatus('Uploading…');
  list.prepend(card.root);

  try {
    const taskId = await upload(file, choices);
    const task = await waitForEnd(taskId, (update) => showProgress(card, update));
    if (task.status === 'failed' || !task.result) {
      card.fail(task.error?.code ?? 'FAILED', task.error?.message ?? 'The task failed without saying why.');
      return;
    }
    card.root.setAttribute('aria-busy', 'false');
    card.part<HTMLProgressElement>('progress').hidden = true;
    card.setStatus(`Done: ${task.result.lang}, confidence ${Math.round(task.result.confidence)} %`, 1);
    const text = card.part<HTMLElement>('[data-testid="result-text"]');
    showResult({ card: card.root, text, image, boxes: card.part('.word-boxes') }, task.result);
    text.hidden = false;
    enableActions(card, taskId, task.result.text, file.name);
  } catch (error) {
    if (error instanceof ApiError) card.fail(error.code, error.message);
    else card.fail('UNEXPECTED', error instanceof Error ? error.message : String(error));
  }
}
