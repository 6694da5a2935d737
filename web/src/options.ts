/** The choices made before an upload: language, page segmentation and preprocessing. */
import { apiJson } from './api.js';

/** Page segmentation modes worth offering; the API takes 0–13, and leaving it out lets it choose per page. */
const PAGE_SEGMENTATION_MODES: ReadonlyArray<[string, string]> = [
  ['', 'Automatic (chosen per page)'],
  ['3', '3: fully automatic layout'],
  ['4', '4: one column of text'],
  ['6', '6: one block of text'],
  ['7', '7: one line of text'],
  ['11', '11: sparse text, in any order'],
];

/** The form fields an upload carries besides the file. */
export interface UploadChoices {
  lang: string;
  psm: string;
  preprocess: boolean;
}

/** "English (eng)" where the browser knows the language's name, the code alone where it does not. */
function languageLabel(code: string, names: Intl.DisplayNames | undefined): string {
  try {
    const name = names?.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** What `lang=` takes to have the server find the page's language among the installed ones. */
const AUTO_LANGUAGE = 'auto';

/** Fills the language list from `GET /languages` (plus `auto`), with the server's default selected, and the modes list. */
export async function setupOptions(language: HTMLSelectElement, psm: HTMLSelectElement): Promise<void> {
  for (const [value, label] of PAGE_SEGMENTATION_MODES) psm.add(new Option(label, value));
  const { languages, default: fallback } = await apiJson<{ languages: string[]; default: string }>('/languages');
  const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames([navigator.language, 'en'], { type: 'language' }) : undefined;
  language.replaceChildren(
    ...languages.map((code) => new Option(languageLabel(code, names), code, code === fallback, code === fallback)),
    new Option('Find the language (auto)', AUTO_LANGUAGE),
  );
}

/** The choices as the form holds them now. */
export function readChoices(language: HTMLSelectElement, psm: HTMLSelectElement, preprocess: HTMLInputElement): UploadChoices {
  return { lang: language.value, psm: psm.value, preprocess: preprocess.checked };
}
