import type { PageResult } from '../../job.js';
import type { PageAccounting } from '../page-accounting.js';
import type { JobTable } from './job-table.js';

/** Document pages beside the memory backend's jobs; a job removed takes its pages with it. */
export function createMemoryPageAccounting(table: JobTable): PageAccounting {
  const documents = new Map<string, { total: number; pages: Map<number, PageResult> }>();
  table.onRemoved((id) => documents.delete(id));

  return {
    async begin(id, pageCount) {
      if (table.readOpen(id) && !documents.has(id)) documents.set(id, { total: pageCount, pages: new Map() });
    },
    async recordPage(id, page) {
      const record = table.readOpen(id);
      const document = documents.get(id);
      if (!record || !document) return undefined;
      if (!document.pages.has(page.page)) document.pages.set(page.page, structuredClone(page));
      const done = document.pages.size;
      table.write({ ...record, progress: Math.round((done / document.total) * 100) / 100 });
      return { done, total: document.total };
    },
    async listPages(id) {
      return [...(documents.get(id)?.pages.values() ?? [])].map((page) => structuredClone(page));
    },
    async discardPages(id) {
      documents.delete(id);
    },
  };
}
