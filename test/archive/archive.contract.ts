import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive, ArchiveRecord } from '../../src/archive/archive.js';

export interface ArchiveBackend {
  name: string;
  /** A fresh, empty archive of its own (its own database or folder). */
  create(): Promise<Archive>;
  cleanup?(): Promise<void>;
  skipReason?: string;
}

let sequence = 0;
const record = (text: string, changes: Partial<ArchiveRecord> = {}): ArchiveRecord => {
  sequence += 1;
  return {
    taskId: `task-${process.pid}-${String(sequence).padStart(4, '0')}`,
    fileName: 'scan.png',
    mediaType: 'image/png',
    sizeBytes: 1234,
    lang: 'eng',
    confidence: 91.5,
    options: { lang: 'eng' },
    timings: { queuedMs: 12, recognitionMs: 340 },
    createdAt: '2026-01-10T10:00:00.000Z',
    finishedAt: '2026-01-10T10:00:01.500Z',
    text,
    pages: [{ page: 1, text }],
    ...changes,
  };
};

/** One specification of Archive, run against every backend. */
export function describeArchiveContract(backend: ArchiveBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`Archive contract: ${backend.name}`, () => {
    let archive: Archive;

    beforeAll(async () => {
      archive = await backend.create();
      await archive.migrate();
    });

    afterAll(async () => {
      await archive?.close();
      await backend.cleanup?.();
    });

    it('migrates once: a second run finds nothing to do', async () => {
      await expect(archive.migrate()).resolves.toBeUndefined();
    });

    it('records a task once and reads it back, all its fields, scoped to its owner', async () => {
      const harper = record('The Harper invoice is due on Friday.', { owner: 'alice' });
      expect(await archive.recordAll([harper])).toEqual([true]);
      expect(await archive.recordAll([{ ...harper, text: 'a second completion' }])).toEqual([false]);
      const stored = await archive.get(harper.taskId, 'alice');
      expect(stored).toMatchObject({ ...harper, archivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(await archive.get(harper.taskId, 'bob')).toBeUndefined();
      expect(await archive.get(harper.taskId, undefined)).toBeUndefined();
    });

    it('records a batch in one transaction: each new task once, and nothing of a batch that fails', async () => {
      const [first, second, third] = ['First batch text', 'Second batch text', 'Third batch text'].map((text) => record(text, { owner: 'jack' }));
      expect(await archive.recordAll([first!, second!])).toEqual([true, true]);
      expect(await archive.recordAll([second!, third!, { ...third!, text: 'the same task again' }])).toEqual([false, true, false]);
      expect((await archive.get(third!.taskId, 'jack'))?.text).toBe('Third batch text');
      const [kept, broken] = ['A text in a failing batch', 'A record the database refuses'].map((text) => record(text, { owner: 'jack' }));
      await expect(archive.recordAll([kept!, { ...broken!, finishedAt: 'not a time' }])).rejects.toThrow();
      expect(await archive.get(kept!.taskId, 'jack')).toBeUndefined();
      expect(await archive.recordAll([kept!])).toEqual([true]);
    });

    it('finds by stemmed words, best first, with a highlighted, escaped snippet, only for the owner', async () => {
      const best = record('Invoices, invoices: the Harper invoice <urgent> & the Harper reminder.', { owner: 'carol' });
      const other = record('Meeting notes: one invoice mentioned once among many other words here.', { owner: 'carol' });
      const foreign = record('The Harper invoice of another key.', { owner: 'dave' });
      await archive.recordAll([best, other, foreign]);
      const page = await archive.search({ q: 'invoicing harper', owner: 'carol', limit: 10 });
      expect(page.results.map((hit) => hit.taskId)).toEqual([best.taskId]);
      const [hit] = page.results;
      expect(hit).toMatchObject({ lang: 'eng', pages: 1, createdAt: best.createdAt });
      expect(hit!.snippet).toContain('<mark>Harper</mark>');
      expect(hit!.snippet).toContain('&lt;urgent&gt; &amp;');
      const either = await archive.search({ q: 'invoice', owner: 'carol', limit: 10 });
      expect(either.results.map((h) => h.taskId)).toEqual([best.taskId, other.taskId]);
      expect(either.results[0]!.score).toBeGreaterThan(either.results[1]!.score);
      expect((await archive.search({ q: 'harper', owner: undefined, limit: 10 })).results).toEqual([]);
    });

    it("names a hit's file and, in a document, the page of the first match", async () => {
      const pages = ['Cover letter for the annual accounts.', 'The auditors signed the balance sheet.', 'Appendix: the balance of each account.'];
      const accounts = record(pages.join('\f'), {
        owner: 'gina',
        fileName: 'accounts.pdf',
        mediaType: 'application/pdf',
        // Pages 3 to 5 of the original were read.
        pages: pages.map((text, index) => ({ page: index + 3, text })),
      });
      const note = record('A note on the balance, on one page.', { owner: 'gina', fileName: undefined });
      await archive.recordAll([accounts, note]);
      const hits = (await archive.search({ q: 'balances', owner: 'gina', limit: 10 })).results;
      expect(hits.find((hit) => hit.taskId === accounts.taskId)).toMatchObject({ fileName: 'accounts.pdf', page: 4, pages: 3 });
      const single = hits.find((hit) => hit.taskId === note.taskId)!;
      expect([single.fileName, single.page]).toEqual([undefined, undefined]);
      const [onFirst] = (await archive.search({ q: 'cover letter', owner: 'gina', limit: 10 })).results;
      expect(onFirst).toMatchObject({ taskId: accounts.taskId, page: 3 });
    });

    it('stems German and French and ignores accents; lang narrows to that language set', async () => {
      const letter = record('Sehr geehrte Damen und Herren, die Rechnungen aus Köln liegen bei.', { lang: 'deu', owner: 'erin' });
      const french = record('Les élèves étudiaient les factures à Genève.', { lang: 'fra', owner: 'erin' });
      await archive.recordAll([letter, french]);
      const find = async (q: string, lang?: string) =>
        (await archive.search({ q, owner: 'erin', limit: 10, ...(lang && { lang }) })).results.map((hit) => hit.taskId);
      expect(await find('Rechnung')).toEqual([letter.taskId]);
      expect(await find('koln')).toEqual([letter.taskId]);
      expect(await find('facture eleve')).toEqual([french.taskId]);
      expect(await find('geneve', 'fra')).toEqual([french.taskId]);
      expect(await find('Rechnung', 'fra')).toEqual([]);
      expect(await find('"die Rechnungen" -Genf')).toEqual([letter.taskId]);
    });

    it('filters by time and media type, and pages with a cursor', async () => {
      const owner = 'frank';
      const made = [1, 2, 3, 4, 5].map((day) =>
        record(`Quarterly report number ${day}`, {
          owner,
          createdAt: `2026-02-0${day}T12:00:00.000Z`,
          mediaType: day === 5 ? 'image/jpeg' : 'image/png',
        }),
      );
      await archive.recordAll(made);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await archive.search({ q: 'report', owner, limit: 2, ...(cursor && { cursor }) });
        expect(page.results.length).toBeLessThanOrEqual(2);
        seen.push(...page.results.map((hit) => hit.taskId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(made.map((r) => r.taskId).sort());
      const between = await archive.search({ q: 'report', owner, limit: 10, from: '2026-02-02T00:00:00Z', to: '2026-02-04T00:00:00Z' });
      expect(between.results.map((hit) => hit.taskId).sort()).toEqual([made[1]!.taskId, made[2]!.taskId]);
      const jpeg = await archive.search({ q: 'report', owner, limit: 10, mediaType: 'image/jpeg' });
      expect(jpeg.results.map((hit) => hit.taskId)).toEqual([made[4]!.taskId]);
      await expect(archive.search({ q: 'report', owner, limit: 10, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
    });

    it("deletes only the owner's record", async () => {
      const mine = record('Delete me, please', { owner: 'gina' });
      await archive.recordAll([mine]);
      expect(await archive.delete(mine.taskId, 'hank')).toBe(false);
      expect(await archive.delete(mine.taskId, 'gina')).toBe(true);
      expect(await archive.get(mine.taskId, 'gina')).toBeUndefined();
      expect(await archive.delete(mine.taskId, 'gina')).toBe(false);
    });

    it('purges records finished longer ago than the retention', async () => {
      const old = record('An old scan', { owner: 'ivan', finishedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
      const recent = record('A recent scan', { owner: 'ivan', finishedAt: new Date().toISOString() });
      await archive.recordAll([old, recent]);
      expect(await archive.purgeOlderThan(30)).toBeGreaterThanOrEqual(1);
      expect(await archive.get(old.taskId, 'ivan')).toBeUndefined();
      expect(await archive.get(recent.taskId, 'ivan')).toBeDefined();
    });
  });
}
