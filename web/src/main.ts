/** The page's entry: wires the options, the key field, the drop zone and the search box. */
import { setupApiKeyField } from './api-key.js';
import { runCard } from './card.js';
import { readChoices, setupOptions } from './options.js';
import { setupSearch } from './search.js';

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

function start(files: Iterable<File>): void {
  const choices = readChoices(language, psm, preprocess);
  for (const file of files) void runCard(file, choices, cards, template);
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
void setupSearch(byId('search'));
