/**
 * The search box over the archive. It shows itself only when the server has `GET /search` (its OpenAPI document
 * lists the path), so the same page works on servers with and without an archive.
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

async function serverHasSearch(): Promise<boolean> {
  try {
    const openapi = await apiJson<{ paths?: Record<string, unknown> }>('/openapi.json');
    return Object.hasOwn(openapi.paths ?? {}, '/search');
  } catch {
    return false;
  }
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
  // The snippet is shown as text: it is the archive's words, never markup for this page.
  snippet.textContent = hit.snippet;
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
