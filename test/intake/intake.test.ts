import { describe, expect, it } from 'vitest';
import { intake } from '../../src/intake/intake.js';
import { readDoc } from '../helpers/documents.js';
import { renderTextImage } from '../helpers/images.js';

const limits = { maxPages: 200, maxPixels: 40_000_000, renderDpi: 300 };

describe('intake: one entry for the checks of an upload', () => {
  it('takes an image as one, with the media type found from its bytes', async () => {
    await expect(intake(await renderTextImage('One page'), { limits })).resolves.toEqual({ kind: 'image', mediaType: 'image/png' });
  });

  it('lets a page selection name the one page of an image, and no other', async () => {
    const image = await renderTextImage('One page');
    await expect(intake(image, { pages: '1', limits })).resolves.toEqual({ kind: 'image', mediaType: 'image/png' });
    await expect(intake(image, { pages: '2', limits })).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
  });

  it('takes a PDF and a multi-page TIFF as documents, with the pages to read', async () => {
    await expect(intake(readDoc('born2.pdf'), { pages: '2', limits })).resolves.toEqual({
      kind: 'document',
      mediaType: 'application/pdf',
      pages: [2],
    });
    await expect(intake(readDoc('scan3.tif'), { limits })).resolves.toEqual({ kind: 'document', mediaType: 'image/tiff', pages: [1, 2, 3] });
  });

  it('refuses what it does not read with UNSUPPORTED_MEDIA_TYPE', async () => {
    await expect(intake(Buffer.from('not an image, not a PDF'), { limits })).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
