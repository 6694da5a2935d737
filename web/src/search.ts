/**
 * The search box over the archive. It shows itself only when the server keeps an archive (its `/web-page.json`
 * says so), so the same page works on servers with and without one. Its hits open in cards.
 */
import { ApiError, apiJson } from './api.js';
import type { OpenRequest } from './tasks.js';

/** One hit of `GET /search?q=`. */
interface SearchHit {
  task_id: string;
  file_name: string | null;
  /** The page of a document that holds the first match. */
  page: number | null;
  score: number;
  snippet: string;
  created_at: string;
  lang: string;
  pages: number;
}

interface SearchPage {
  results: SearchHit[];
  next_cursor: string | null;
}

/** What the server that served the page offers (`/web-page.json`). */
async function serverHasSearch(): Promise<boolean> {
  try {
    const response = await fetch('/web-page.json');
    return response.ok && ((await response.json()) as { search?: boolean }).search === true;
  } catch {
    return false;
  }
}

/**
 * The snippet's words, with the matches marked. The archive escapes the text and adds only `<mark>`: it is parsed
 * (which runs nothing) and rebuilt from its text and marks alone, so no other markup can reach the page.
 */
function snippetNodes(snippet: string): Node[] {
  const parsed = new DOMParser().parseFromString(`<p>${snippet}</p>`, 'text/html').body.firstElementChild;
  return [...(parsed?.childNodes ?? [])].map((node) => {
    if (node.nodeName !== 'MARK') return document.createTextNode(node.textContent ?? '');
    const mark = document.createElement('mark');
    mark.textContent = node.textContent;
    return mark;
  });
}

/** The page's own link to a task: opening it shows the task in a card, at the page given. */
export function taskLink(taskId: string, page?: number | null): string {
  return `#${new URLSearchParams({ task: taskId, ...(page && { page: String(page) }) })}`;
}

function renderHit(hit: SearchHit, onOpen: (request: OpenRequest) => void): HTMLLIElement {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = taskLink(hit.task_id, hit.page);
  const title = hit.file_name ?? `Task ${hit.task_id.slice(0, 8)}`;
  link.textContent = hit.page ? `${title}, page ${hit.page}` : title;
  // The card opens at once; the link still sets the address, so the hit can be bookmarked and opened again.
  link.addEventListener('click', () => onOpen({ taskId: hit.task_id, ...(hit.page && { page: hit.page }), title }));
  const details = document.createElement('span');
  details.className = 'hit-details';
  const pages = hit.pages === 1 ? '1 page' : `${hit.pages} pages`;
  details.textContent = ` ${new Date(hit.created_at).toLocaleString()} · ${hit.lang} · ${pages}`;
  const snippet = document.createElement('p');
  snippet.append(...snippetNodes(hit.snippet));
  item.append(link, details, snippet);
  return item;
}

/** Wires the search form, whose hits open in cards; leaves the section hidden on a server without `/search`. */
export async function setupSearch(section: HTMLElement, onOpen: (request: OpenRequest) => void): Promise<void> {
  if (!(await serverHasSearch())) return;
  section.hidden = false;
  const form = section.querySelector('form')!;
  const input = form.querySelector('input')!;
  const results = section.querySelector<HTMLOListElement>('.search-results')!;
  const more = section.querySelector<HTMLButtonElement>('.search-more')!;
  const status = section.querySelector<HTMLElement>('.search-status')!;
  let cursor: string | null = null;

  const load = async (append: boolean) => {
    const query = new URLSearchParams({ q: input.value.trim() });
    if (append && cursor) query.set('cursor', cursor);
    try {
      const page = await apiJson<SearchPage>(`/search?${query}`);
      if (!append) results.replaceChildren();
      results.append(...page.results.map((hit) => renderHit(hit, onOpen)));
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      status.textContent = results.children.length === 0 ? 'No archived text matches.' : '';
    } catch (error) {
      status.textContent = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) void load(false);
  });
  more.addEventListener('click', () => void load(true));
}
