import { describe, expect, it } from 'vitest';
import { fromEarlierOptions } from '../../src/queue/earlier-jobs.js';

describe('jobs queued by a version that did not name their kind', () => {
  it('reads a job with neither pages nor a part as an image', () => {
    expect(fromEarlierOptions({ lang: 'eng', psm: 4 })).toEqual({ kind: 'image', options: { lang: 'eng', psm: 4 } });
  });

  it('reads a job with pages as a document', () => {
    expect(fromEarlierOptions({ lang: 'eng', pages: [1, 2] })).toEqual({ kind: 'document', options: { lang: 'eng', pages: [1, 2] } });
  });

  it("reads a job with a part among its options as a page, the part moved out of the client's options", () => {
    const part = { task: 'document-task', page: 2 };
    expect(fromEarlierOptions({ lang: 'eng', part })).toEqual({ kind: 'page', options: { lang: 'eng' }, part });
  });
});
