import { describe, expect, it } from 'vitest';
import { createLanguageIdentifier } from '../../../src/ocr/engine/language-identification.js';
import { createLanguageCatalog } from '../../../src/ocr/engine/languages.js';

const identify = createLanguageIdentifier(createLanguageCatalog().installed);

/** Sentences as a first read in English gives them back: some accents lost on the way. */
const SAMPLES: Record<string, string> = {
  eng: 'The board will meet on the second Tuesday of each month in the small conference room.',
  deu: 'Die Sitzung des Vorstands findet am zweiten Dienstag jedes Monats im kleinen Saal statt.',
  fra: 'Le conseil se reunit le deuxieme mardi de chaque mois dans la petite salle de conference.',
  spa: 'La junta se reune el segundo martes de cada mes en la sala pequena de conferencias.',
  ita: 'Il consiglio si riunisce il secondo martedi di ogni mese nella piccola sala riunioni.',
  por: 'A informacao nao esta disponivel ate as tres horas, e o pedido sera enviado amanha.',
  nld: 'Het bestuur vergadert op de tweede dinsdag van elke maand in de kleine vergaderzaal.',
};

describe('language identification for lang=auto', () => {
  it.each(Object.entries(SAMPLES))('names %s by the tesseract code of its language pack', (lang, text) => {
    expect(identify(text)).toBe(lang);
  });

  it('tells nothing from too little text', () => {
    expect(identify('INV-2041 12.50')).toBeUndefined();
    expect(identify('')).toBeUndefined();
  });

  it('answers only with a candidate: the closest of them when the text is in another language', () => {
    const germanOrDutch = createLanguageIdentifier(['deu', 'nld']);
    expect(germanOrDutch(SAMPLES.eng!)).toMatch(/^(deu|nld)$/);
    expect(createLanguageIdentifier([])(SAMPLES.deu!)).toBeUndefined();
  });
});
