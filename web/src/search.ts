/**
 * The search box over the archive. It shows itself only when the server searches (a server without an archive
 * answers `/search` with 404 or 501 `ARCHIVE_DISABLED`), so the same page works on servers with and without one.
 */
import { ApiError, apiJson } from './api.js';

/** One hit of `GET /search?q=`. */
interface SearchHit {
  task_id: string;
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

/** Asked without a key on purpose: a 401 still says the server searches, and must not ask for a key on load. */
async function serverHasSearch(): Promise<boolean> {
  try {
    const { status } = await fetch('/search?q=probe&limit=1');
    return status !== 404 && status !== 501;
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

function renderHit(hit: SearchHit): HTMLLIElement {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = `/archive/${encodeURIComponent(hit.task_id)}`;
  link.textContent = `Task ${hit.task_id.slice(0, 8)}`;
  const details = document.createElement('span');
  details.className = 'hit-details';
  const pages = hit.pages === 1 ? '1 page' : `${hit.pages} pages`;
  details.textContent = ` ${new Date(hit.created_at).toLocaleString()} · ${hit.lang} · ${pages}`;
  const snippet = document.createElement('p');
  snippet.append(...snippetNodes(hit.snippet));
  item.append(link, details, snippet);
  return item;
}

/** Wires the search form; leaves the section hidden on a server without `/search`. */
export async function setupSearch(section: HTMLElement): Promise<void> {
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
      results.append(...page.results.map(renderHit));
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
