/**
 * The cards on the page, one per task: a file chosen here, or a task opened from a search hit (`#task=…&page=…`).
 * Opening a task that already has a card shows that card, at the page asked for.
 */
import { ApiError, apiJson, type TaskBody } from './api.js';
import { Card, runUpload, showCompleted, showTask } from './card.js';
import type { UploadChoices } from './options.js';
import type { PageView } from './page-view.js';

/** The parts of `GET /archive/{id}` the page reads. */
interface ArchivedTask {
  task_id: string;
  file_name: string | null;
  lang: string;
  confidence: number;
  text: string;
  pages: { page: number; text: string }[];
}

export interface OpenRequest {
  taskId: string;
  /** The page to show. */
  page?: number;
  /** The card's title until the task says its own. */
  title?: string;
}

export interface Tasks {
  upload(file: File, choices: UploadChoices): void;
  open(request: OpenRequest): void;
}

/** A task whose result has expired, from the archive: its text, page by page, without page images or downloads. */
async function showArchived(card: Card, taskId: string, page: number | undefined): Promise<PageView> {
  const archived = await apiJson<ArchivedTask>(`/archive/${encodeURIComponent(taskId)}`);
  const fileName = archived.file_name ?? `task-${taskId.slice(0, 8)}`;
  card.part('.file-name').textContent = fileName;
  card.done(`From the archive (the result itself has expired): ${archived.lang}, confidence ${Math.round(archived.confidence)} %`);
  const pages = archived.pages.map(({ page: number, text }) => ({ page: number, text, words: [] }));
  const task = { taskId, text: archived.text, pages, isDocument: pages.length > 1, formats: [] };
  return showCompleted(card, task, { fileName, ...(page !== undefined && { page }) });
}

/** The uploaded file's name, which only the archive keeps: none on a server without one. */
async function archivedName(taskId: string): Promise<string | undefined> {
  try {
    return (await apiJson<ArchivedTask>(`/archive/${encodeURIComponent(taskId)}`)).file_name ?? undefined;
  } catch {
    return undefined;
  }
}

/** A task's card from its id: the result while the store keeps it, else the archived text. */
async function openTask(card: Card, { taskId, page, title }: OpenRequest): Promise<PageView | undefined> {
  let task: TaskBody;
  try {
    task = await apiJson<TaskBody>(`/result/${encodeURIComponent(taskId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return showArchived(card, taskId, page);
    throw error;
  }
  while (task.status !== 'completed' && task.status !== 'failed') {
    card.setStatus(task.status === 'queued' ? 'Waiting for a worker…' : 'Reading…');
    task = await apiJson<TaskBody>(`/result/${encodeURIComponent(taskId)}?wait=1`);
  }
  const fileName = title ?? (await archivedName(taskId));
  if (fileName) card.part('.file-name').textContent = fileName;
  return showTask(card, task, { fileName: fileName ?? `task-${taskId.slice(0, 8)}`, ...(page !== undefined && { page }) });
}

export function createTasks(list: HTMLElement, template: HTMLTemplateElement): Tasks {
  /** Each task's card, and its page view once the task has completed. */
  const cards = new Map<string, { card: Card; view: Promise<PageView | undefined> }>();

  return {
    upload(file, choices) {
      const card = new Card(template, file.name);
      list.prepend(card.root);
      const view = runUpload(file, choices, card);
      void view.then(() => {
        const taskId = card.root.dataset.task;
        if (taskId) cards.set(taskId, { card, view });
      });
    },

    open(request) {
      const known = cards.get(request.taskId);
      if (known) {
        known.card.root.scrollIntoView({ block: 'start' });
        if (request.page !== undefined) void known.view.then((view) => view?.select(request.page!));
        return;
      }
      const card = new Card(template, request.title ?? `Task ${request.taskId.slice(0, 8)}`);
      card.root.dataset.task = request.taskId;
      card.setStatus('Loading…');
      list.prepend(card.root);
      let view: PageView | undefined;
      const done = card.run(async () => void (view = await openTask(card, request))).then(() => view);
      cards.set(request.taskId, { card, view: done });
      card.root.scrollIntoView({ block: 'start' });
    },
  };
}
