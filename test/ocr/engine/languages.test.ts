import { describe, expect, it } from 'vitest';
import { createLanguageCatalog } from '../../../src/ocr/engine/languages.js';

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

  it('takes auto, alone, to find the language', () => {
    expect(catalog.parseRequestedLanguage(' auto ')).toBe('auto');
    expect(catalog.parseRequestedLanguage('deu+eng')).toBe('deu+eng');
    expect(() => catalog.parseRequestedLanguage('auto+eng')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_LANGUAGE' }));
    // A set to warm up names languages: auto is none.
    expect(() => catalog.parseLanguageSet('auto')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_LANGUAGE' }));
  });
});
