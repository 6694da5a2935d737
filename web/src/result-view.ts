/** A completed task's text, page by page, with the words linked to their boxes on the page image. */
import type { TextBox } from './api.js';

/** Words read with less confidence than this (0–100) are marked, in the text and on the image. */
export const LOW_CONFIDENCE = 60;

/** How far past the previous word the next one may be found in the text; further means the two disagree. */
const MAX_GAP = 64;

const SVG = 'http://www.w3.org/2000/svg';

/** A page as the view shows it: an image is a document of one page. */
export interface ViewPage {
  page: number;
  text: string;
  words: readonly TextBox[];
  /** Documents only: where the page's text came from, and how confidently it was read. */
  source?: 'text-layer' | 'ocr';
  confidence?: number;
}

interface Piece {
  text: string;
  /** Index into the words, when this piece is one. */
  word?: number;
}

/** The id that ties a word in the text to its box: unique across the pages of a task. */
const wordId = (page: number, index: number) => `${page}:${index}`;

/**
 * Splits the text into the words (found in order) and what lies between them, so the text shown is exactly the
 * text the API returned, whatever spacing and line breaks it has.
 */
function splitIntoWords(text: string, words: readonly TextBox[]): Piece[] {
  const pieces: Piece[] = [];
  let cursor = 0;
  words.forEach((word, index) => {
    const at = word.text ? text.indexOf(word.text, cursor) : -1;
    if (at === -1 || at - cursor > MAX_GAP) return;
    if (at > cursor) pieces.push({ text: text.slice(cursor, at) });
    pieces.push({ text: word.text, word: index });
    cursor = at + word.text.length;
  });
  pieces.push({ text: text.slice(cursor) });
  return pieces;
}

function describe(word: TextBox): string {
  return `confidence ${Math.round(word.confidence)} %`;
}

/** A page's text: plain text nodes, with a span for each word that has a box. */
function textNodes({ page, text, words }: ViewPage): Node[] {
  return splitIntoWords(text, words).map(({ text: piece, word }) => {
    if (word === undefined) return document.createTextNode(piece);
    const span = document.createElement('span');
    span.textContent = piece;
    span.dataset.word = wordId(page, word);
    span.title = describe(words[word]!);
    if (words[word]!.confidence < LOW_CONFIDENCE) span.classList.add('low-confidence');
    return span;
  });
}

/**
 * "Page 2 · read by OCR, confidence 91 %": the break before each page of a document. With `onSelect` (the page
 * images can be shown), the page's name is a button that shows the page.
 */
function pageBreak(page: ViewPage, onSelect?: (page: number) => void): HTMLElement {
  const heading = document.createElement('h3');
  heading.className = 'page-break';
  const name = document.createElement(onSelect ? 'button' : 'span');
  name.textContent = `Page ${page.page}`;
  if (name instanceof HTMLButtonElement) {
    name.type = 'button';
    name.title = `Show page ${page.page}`;
    name.addEventListener('click', () => onSelect?.(page.page));
  }
  const about = document.createElement('small');
  const confidence = page.confidence === undefined ? '' : `, confidence ${Math.round(page.confidence)} %`;
  about.textContent = page.source === 'text-layer' ? ' · from the PDF’s text layer' : ` · read by OCR${confidence}`;
  heading.append(name, about);
  return heading;
}

/**
 * Fills the text element: an image's text as it is; a document's pages each in a section of their own, after a
 * page break that names the page (and shows its image when clicked, with `onSelect`).
 */
export function renderText(
  target: HTMLElement,
  pages: readonly ViewPage[],
  { isDocument, onSelect }: { isDocument: boolean; onSelect?: (page: number) => void },
): void {
  if (!isDocument) {
    target.replaceChildren(...pages.flatMap(textNodes));
    return;
  }
  target.replaceChildren(
    ...pages.map((page) => {
      const section = document.createElement('section');
      section.className = 'text-page';
      section.dataset.page = String(page.page);
      section.setAttribute('aria-label', `Page ${page.page}`);
      const body = document.createElement('div');
      body.append(...textNodes(page));
      section.append(pageBreak(page, onSelect), body);
      return section;
    }),
  );
}

/** An SVG layer over a page image of `width` × `height` pixels (the pixels the boxes are in), one rectangle per word. */
export function drawBoxes(layer: SVGSVGElement, width: number, height: number, { page, words }: ViewPage): void {
  layer.setAttribute('viewBox', `0 0 ${width} ${height}`);
  layer.replaceChildren(
    ...words.map(({ bbox, confidence }, index) => {
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', String(bbox.x0));
      rect.setAttribute('y', String(bbox.y0));
      rect.setAttribute('width', String(bbox.x1 - bbox.x0));
      rect.setAttribute('height', String(bbox.y1 - bbox.y0));
      rect.dataset.word = wordId(page, index);
      if (confidence < LOW_CONFIDENCE) rect.classList.add('low-confidence');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${words[index]!.text}: ${describe(words[index]!)}`;
      rect.append(title);
      return rect;
    }),
  );
}

/** Hovering a word, in the text or on the image, highlights it in both. */
export function linkHover(scope: HTMLElement): void {
  const highlight = (target: EventTarget | null, on: boolean) => {
    const word = target instanceof Element ? target.closest('[data-word]')?.getAttribute('data-word') : undefined;
    if (word == null) return;
    for (const element of scope.querySelectorAll(`[data-word="${word}"]`)) element.classList.toggle('active', on);
  };
  scope.addEventListener('mouseover', (event) => highlight(event.target, true));
  scope.addEventListener('mouseout', (event) => highlight(event.target, false));
}
