/** A completed task's actions on its card: the word boxes toggle, the copy button and a button per download. */
import type { Card } from './card.js';
import { DOWNLOADS, downloadRendition } from './downloads.js';

export interface ActionOptions {
  taskId: string;
  /** The whole text, pages separated by form feeds, as the API returned it. */
  text: string;
  /** The uploaded file's name, which the downloads are named after. */
  fileName: string;
  /** The renditions the task has (`result.formats`): only those are offered. */
  downloads: readonly string[];
}

/** Wires the actions and shows them. The boxes toggle hides the boxes of whichever page is shown. */
export function enableActions(card: Card, { taskId, text, fileName, downloads }: ActionOptions): void {
  const notice = card.part<HTMLElement>('.action-notice');
  card.part<HTMLInputElement>('.toggle-boxes').addEventListener('change', (event) => {
    card.root.classList.toggle('boxes-hidden', !(event.target as HTMLInputElement).checked);
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
  const group = card.part<HTMLElement>('.downloads');
  const offered = DOWNLOADS.filter(({ format }) => downloads.includes(format));
  for (const { format, label, extension } of offered) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.setAttribute('aria-label', `Download ${label} of ${fileName}`);
    button.addEventListener('click', () => {
      downloadRendition(taskId, format, `${base}.${extension}`).catch((error: unknown) => {
        notice.textContent = error instanceof Error ? error.message : String(error);
      });
    });
    group.append(button);
  }
  group.hidden = offered.length === 0;
  card.part<HTMLElement>('.actions').hidden = false;
}
