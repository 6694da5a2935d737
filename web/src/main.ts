/** The page's entry: wires the options, the key field, the drop zone, the search box and the links to tasks. */
import { setupApiKeyField } from './api-key.js';
import { readChoices, setupOptions } from './options.js';
import { setupSearch } from './search.js';
import { createTasks } from './tasks.js';

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const language = byId<HTMLSelectElement>('language');
const psm = byId<HTMLSelectElement>('psm');
const preprocess = byId<HTMLInputElement>('preprocess');
const fileInput = byId<HTMLInputElement>('files');
const dropZone = byId<HTMLElement>('drop-zone');
const cards = byId<HTMLElement>('cards');
const template = byId<HTMLTemplateElement>('card-template');
const notice = byId<HTMLElement>('page-notice');
const tasks = createTasks(cards, template);

function start(files: Iterable<File>): void {
  const choices = readChoices(language, psm, preprocess);
  for (const file of files) tasks.upload(file, choices);
}

/** `#task=ID&page=N` (a search hit's link) opens that task's card at that page. */
function openLinkedTask(): void {
  const linked = new URLSearchParams(location.hash.slice(1));
  const taskId = linked.get('task');
  const page = Number(linked.get('page'));
  if (taskId) tasks.open({ taskId, ...(Number.isInteger(page) && page > 0 && { page }) });
}

setupApiKeyField(byId('api-key-section'), byId('api-key'));
// Enter in a field of the options must not reload the page: the options apply to the next files chosen.
byId('options').addEventListener('submit', (event) => event.preventDefault());

fileInput.addEventListener('change', () => {
  start(fileInput.files ?? []);
  // Choosing the same file again is a new upload.
  fileInput.value = '';
});
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  start(event.dataTransfer?.files ?? []);
});

setupOptions(language, psm).catch((error: unknown) => {
  notice.textContent = `The list of languages could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
});
void setupSearch(byId('search'), (request) => tasks.open(request));
addEventListener('hashchange', openLinkedTask);
openLinkedTask();
