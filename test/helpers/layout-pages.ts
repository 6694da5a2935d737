import sharp from 'sharp';
import { escapeMarkup } from './images.js';

/** A piece of a page: text set at a place, wrapped to `width` pixels when given. */
export interface PagePiece {
  text: string;
  left: number;
  top: number;
  width?: number;
  font?: string;
}

async function renderPiece({ text, width, font = 'DejaVu Serif 11' }: PagePiece): Promise<Buffer> {
  return sharp({ text: { text: escapeMarkup(text), font, dpi: 96, rgba: true, ...(width && { width }), spacing: 2 } })
    .png()
    .toBuffer();
}

/** A white grayscale page `width` × `height` with the pieces drawn in black, as a PNG. */
export async function renderLayoutPage(width: number, height: number, pieces: readonly PagePiece[]): Promise<Buffer> {
  const rendered = await Promise.all(pieces.map(renderPiece));
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(rendered.map((input, index) => ({ input, left: pieces[index]!.left, top: pieces[index]!.top })))
    .flatten({ background: '#ffffff' })
    .grayscale()
    .png()
    .toBuffer();
}

/** The pieces of a table: each cell at its column's left edge, a row every `rowPitch` pixels from `top`. */
export function tablePieces(
  rows: readonly string[][],
  {
    left,
    top,
    columnLefts,
    rowPitch,
    font,
  }: {
    left: number;
    top: number;
    columnLefts: readonly number[];
    rowPitch: number;
    font?: string;
  },
): PagePiece[] {
  return rows.flatMap((row, rowIndex) =>
    row.map((text, column) => ({ text, left: left + columnLefts[column]!, top: top + rowIndex * rowPitch, ...(font && { font }) })),
  );
}
