/** A completed task's text beside its image, with the words linked to their boxes on the image. */
import type { TextBox } from './api.js';

/** Words read with less confidence than this (0–100) are marked, in the text and on the image. */
export const LOW_CONFIDENCE = 60;

/** How far past the previous word the next one may be found in the text; further means the two disagree. */
const MAX_GAP = 64;

const SVG = 'http://www.w3.org/2000/svg';

interface Piece {
  text: string;
  /** Index into the words, when this piece is one. */
  word?: number;
}

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

/** Fills the text element: plain text nodes, with a span for each word that has a box. */
function renderText(target: HTMLElement, text: string, words: readonly TextBox[]): void {
  target.replaceChildren(
    ...splitIntoWords(text, words).map(({ text: piece, word }) => {
      if (word === undefined) return document.createTextNode(piece);
      const span = document.createElement('span');
      span.textContent = piece;
      span.dataset.word = String(word);
      span.title = describe(words[word]!);
      if (words[word]!.confidence < LOW_CONFIDENCE) span.classList.add('low-confidence');
      return span;
    }),
  );
}

/** An SVG layer over the image, in the image's own pixels, with one rectangle per word. */
function renderBoxes(layer: SVGSVGElement, image: HTMLImageElement, words: readonly TextBox[]): void {
  layer.setAttribute('viewBox', `0 0 ${image.naturalWidth} ${image.naturalHeight}`);
  layer.replaceChildren(
    ...words.map(({ bbox, confidence }, index) => {
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', String(bbox.x0));
      rect.setAttribute('y', String(bbox.y0));
      rect.setAttribute('width', String(bbox.x1 - bbox.x0));
      rect.setAttribute('height', String(bbox.y1 - bbox.y0));
      rect.dataset.word = String(index);
      if (confidence < LOW_CONFIDENCE) rect.classList.add('low-confidence');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${words[index]!.text}: ${describe(words[index]!)}`;
      rect.append(title);
      return rect;
    }),
  );
}

/** Hovering a word, in the text or on the image, highlights it in both. */
function linkHover(scope: HTMLElement): void {
  const highlight = (target: EventTarget | null, on: boolean) => {
    const word = target instanceof Element ? target.closest('[data-word]')?.getAttribute('data-word') : undefined;
    if (word == null) return;
    for (const element of scope.querySelectorAll(`[data-word="${word}"]`)) element.classList.toggle('active', on);
  };
  scope.addEventListener('mouseover', (event) => highlight(event.target, true));
  scope.addEventListener('mouseout', (event) => highlight(event.target, false));
}

export interface ResultViewParts {
  /** The card, which scopes the hover links. */
  card: HTMLElement;
  text: HTMLElement;
  image: HTMLImageElement;
  boxes: SVGSVGElement;
}

/** Shows a completed task: its text, and its word boxes once the image has loaded (none if it cannot be shown). */
export function showResult({ card, text, image, boxes }: ResultViewParts, result: { text: string; words?: TextBox[] }): void {
  const words = result.words ?? [];
  renderText(text, result.text, words);
  const draw = () => renderBoxes(boxes, image, words);
  if (image.complete && image.naturalWidth > 0) draw();
  else image.addEventListener('load', draw, { once: true });
  linkHover(card);
}
