import { describe, expect, it } from 'vitest';
import { FIELD_MAX_LENGTHS, parseUploadOptions, refuseQueryOptions } from '../../src/api/upload-options.js';
import { createLanguageCatalog } from '../../src/ocr/engine/languages.js';

const catalog = createLanguageCatalog();

describe('parseUploadOptions', () => {
  it('defaults to English and leaves the page segmentation to the engine', () => {
    expect(parseUploadOptions(catalog, {})).toEqual({ lang: 'eng' });
    expect(parseUploadOptions(catalog, { lang: '', psm: '', output: '' })).toEqual({ lang: 'eng' });
  });

  it('reads lang and psm', () => {
    expect(parseUploadOptions(catalog, { lang: 'deu', psm: '4' })).toEqual({ lang: 'deu', psm: 4 });
    expect(parseUploadOptions(catalog, { lang: 'auto' })).toEqual({ lang: 'auto' });
  });

  it.each(['14', '-1', '3.5', 'auto', '1e1'])('refuses psm=%s', (psm) => {
    expect(() => parseUploadOptions(catalog, { psm })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it('reads the outputs asked for besides the text, and whether to preprocess', () => {
    expect(parseUploadOptions(catalog, { output: 'text, words,pdf,hocr', preprocess: 'false' })).toEqual({
      lang: 'eng',
      outputs: ['words', 'hocr', 'pdf'],
      preprocess: false,
    });
    expect(parseUploadOptions(catalog, { output: 'text' })).toEqual({ lang: 'eng' });
  });

  it('names the outputs there are when one is unknown', () => {
    expect(() => parseUploadOptions(catalog, { output: 'words,xml' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringContaining('text, words, lines, hocr, tsv, pdf') }),
    );
  });

  it('refuses preprocess=maybe', () => {
    expect(() => parseUploadOptions(catalog, { preprocess: 'maybe' })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it('refuses a field the form does not take, naming it, instead of running with the default', () => {
    expect(() => parseUploadOptions(catalog, { language: 'deu' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/"language".*lang/) }),
    );
  });
});

describe('field limits', () => {
  it.each(Object.entries(FIELD_MAX_LENGTHS))('refuses %s one character over its limit of %i with FIELD_TOO_LONG', (name, limit) => {
    expect(() => parseUploadOptions(catalog, { [name]: 'x'.repeat(limit + 1) })).toThrow(
      expect.objectContaining({ code: 'FIELD_TOO_LONG', message: `The form field "${name}" is longer than its limit of ${limit} characters.` }),
    );
  });

  it('takes a value as long as its limit', () => {
    expect(parseUploadOptions(catalog, { psm: '3'.padStart(FIELD_MAX_LENGTHS.psm) })).toEqual({ lang: 'eng', psm: 3 });
    const outputs = 'words,'.repeat(FIELD_MAX_LENGTHS.output / 6) + 'text'.slice(0, FIELD_MAX_LENGTHS.output % 6);
    expect(outputs).toHaveLength(FIELD_MAX_LENGTHS.output);
    expect(parseUploadOptions(catalog, { output: outputs })).toEqual({ lang: 'eng', outputs: ['words'] });
  });
});

describe('refuseQueryOptions', () => {
  it('lets an upload without a query string through and refuses options in it, naming the first', () => {
    expect(() => refuseQueryOptions({})).not.toThrow();
    expect(() => refuseQueryOptions({ lang: 'deu' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/"lang" as a multipart form field/) }),
    );
  });
});
