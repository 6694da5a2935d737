/**
 * One card per task: an uploaded file's, which uploads it and shows its progress, or one opened from a search hit.
 * Once the task completes, the card shows its text page by page beside the page images, or what went wrong.
 */
import { ApiError, apiJson, type TaskBody } from './api.js';
import { enableActions } from './card-actions.js';
import { DOWNLOADS } from './downloads.js';
import type { UploadChoices } from './options.js';
import { createPageView, type PageView } from './page-view.js';
import { linkHover, renderText, type ViewPage } from './result-view.js';

/** Every upload asks for the word boxes (drawn on the page) and the renditions the card offers for download. */
const OUTPUTS = ['words', ...DOWNLOADS.map(({ format }) => format).filter((format) => format !== 'text')].join(',');

/** How long each poll holds the request (`?wait=`): the answer comes at once when the task ends. */
const POLL_WAIT_SECONDS = 1;

/** The elements of one card, from the page's `<template id="card-template">`. */
export class Card {
  readonly root: HTMLElement;

  constructor(template: HTMLTemplateElement, title: string) {
    this.root = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    this.part('.file-name').textContent = title;
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

  done(status: string): void {
    this.root.setAttribute('aria-busy', 'false');
    this.part<HTMLProgressElement>('progress').hidden = true;
    this.setStatus(status, 1);
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

  /** Shows whatever went wrong in the API's words; `work` never rejects past this. */
  async run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof ApiError) this.fail(error.code, error.message);
      else this.fail('UNEXPECTED', error instanceof Error ? error.message : String(error));
    }
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

/** The task's pages as the view shows them: an image is a document of one page. */
function viewPages(result: NonNullable<TaskBody['result']>): ViewPage[] {
  if (!result.pages) return [{ page: 1, text: result.text, words: result.words ?? [] }];
  return result.pages.map(({ page, text, confidence, source, words }) => ({ page, text, confidence, source, words: words ?? [] }));
}

export interface ShowOptions {
  /** The name the file was uploaded under, for the downloads' names. */
  fileName: string;
  /** The chosen file's own preview, for an upload from this page. */
  upload?: string;
  /** The page to show first. */
  page?: number;
}

/** What a card shows of a completed task, from its result or from the archive. */
export interface CompletedTask {
  taskId: string;
  /** The whole text, pages separated by form feeds. */
  text: string;
  pages: ViewPage[];
  isDocument: boolean;
  /** The renditions the server keeps for it: with `pdf`, its pages can be shown. */
  formats: readonly string[];
}

/** A completed task's text beside its page images, with the card's actions. */
export function showCompleted(card: Card, task: CompletedTask, { fileName, upload: preview, page }: ShowOptions): PageView {
  const { taskId, pages, isDocument, formats } = task;
  const text = card.part<HTMLElement>('[data-testid="result-text"]');
  const pageImages = formats.includes('pdf');
  // Page breaks are clicked once the view below exists.
  const onSelect = (number: number) => view.select(number);
  renderText(text, pages, { isDocument, ...(pageImages && { onSelect }) });
  text.hidden = false;
  const view = createPageView(
    {
      figure: card.part('.page'),
      image: card.part('.page-image'),
      boxes: card.part('.word-boxes'),
      caption: card.part('.page-caption'),
      thumbnails: card.part('.thumbnails'),
      text,
    },
    { taskId, pages, isDocument, pageImages, ...(preview && !isDocument && { upload: preview }) },
  );
  if (page !== undefined) view.select(page);
  linkHover(card.root);
  enableActions(card, { taskId, text: task.text, fileName, downloads: formats });
  return view;
}

/** A task that ended: its failure, or its result. */
export function showTask(card: Card, task: TaskBody, options: ShowOptions): PageView | undefined {
  const { result } = task;
  if (task.status === 'failed' || !result) {
    card.fail(task.error?.code ?? 'FAILED', task.error?.message ?? 'The task failed without saying why.');
    return undefined;
  }
  const pages = viewPages(result);
  const isDocument = result.pages !== undefined;
  const pageCount = isDocument ? `, ${pages.length} ${pages.length === 1 ? 'page' : 'pages'}` : '';
  card.done(`Done: ${result.lang}, confidence ${Math.round(result.confidence)} %${pageCount}`);
  return showCompleted(card, { taskId: task.task_id, text: result.text, pages, isDocument, formats: result.formats }, options);
}

/** Adds a card for the file to the list, uploads it and runs the task to the end. */
export async function runUpload(file: File, choices: UploadChoices, card: Card): Promise<PageView | undefined> {
  const image = card.part<HTMLImageElement>('.page-image');
  const preview = URL.createObjectURL(file);
  image.alt = `The uploaded image ${file.name}`;
  // Shown while the task runs; a type the browser cannot show (TIFF, PDF) waits for the server's page images.
  image.addEventListener('error', () => (card.part<HTMLElement>('.page').hidden = true), { once: true });
  image.src = preview;
  card.setStatus('Uploading…');
  let view: PageView | undefined;
  await card.run(async () => {
    const taskId = await upload(file, choices);
    card.root.dataset.task = taskId;
    const task = await waitForEnd(taskId, (update) => showProgress(card, update));
    view = showTask(card, task, { fileName: file.name, upload: preview });
  });
  return view;
}
