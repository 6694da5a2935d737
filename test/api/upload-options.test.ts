import { describe, expect, it } from 'vitest';
import { parseUploadOptions } from '../../src/api/upload-options.js';
import { createLanguageCatalog } from '../../src/ocr/languages.js';

const catalog = createLanguageCatalog();

describe('language catalog', () => {
  it('finds the installed language packs on disk', () => {
    expect(catalog.installed).toEqual(expect.arrayContaining(['deu', 'eng', 'fra', 'spa']));
  });

  it('normalises a language set and rejects unknown codes with the installed list', () => {
    expect(catalog.parseLanguageSet('eng+deu+eng')).toBe('eng+deu');
    expect(() => catalog.parseLanguageSet('eng+klingon')).toThrow(/Unsupported language "klingon".*Installed languages: .*deu.*eng/);
    expect(() => catalog.parseLanguageSet('')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_LANGUAGE' }));
    expect(() => catalog.parseLanguageSet('../../etc/passwd')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_LANGUAGE' }));
  });
});

describe('parseUploadOptions', () => {
  it('defaults to English and leaves the page segmentation to the engine', () => {
    expect(parseUploadOptions(catalog, {}, {})).toEqual({ lang: 'eng' });
  });

  it('prefers form fields over the query string', () => {
    expect(parseUploadOptions(catalog, { lang: 'deu', psm: '4' }, { lang: 'fra', psm: '11' })).toEqual({ lang: 'deu', psm: 4 });
    expect(parseUploadOptions(catalog, {}, { lang: 'fra', psm: '11' })).toEqual({ lang: 'fra', psm: 11 });
  });

  it.each(['14', '-1', '3.5', 'auto', '1e1'])('refuses psm=%s', (psm) => {
    expect(() => parseUploadOptions(catalog, { psm }, {})).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it('reads the renditions asked for besides the text, and whether to preprocess', () => {
    expect(parseUploadOptions(catalog, { output: 'text, words,pdf,hocr' }, { preprocess: 'false' })).toEqual({
      lang: 'eng',
      outputs: ['words', 'hocr', 'pdf'],
      preprocess: false,
    });
    expect(parseUploadOptions(catalog, { output: 'text' }, {})).toEqual({ lang: 'eng' });
  });

  it.each([{ output: 'words,xml' }, { preprocess: 'maybe' }])('refuses %o', (fields) => {
    expect(() => parseUploadOptions(catalog, fields, {})).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});
