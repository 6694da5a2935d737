import zlib from 'node:zlib';

export interface PdfWord {
  text: string;
  /** The text matrix it is set with: a b c d e f, so (e, f) is the start of its baseline, in points. */
  matrix: number[];
}

export interface PdfPage {
  mediaBox: number[];
  image: { width: number; height: number; colorSpace: string; bitsPerComponent: number; filter: string; stream: Buffer };
  /** The words of the text layer, in the order they are shown. */
  words: PdfWord[];
}

/** Each object's dictionary and stream (inflated when it is FlateDecode), in file order. */
function readObjects(pdf: Buffer): Array<{ dictionary: string; stream?: Buffer }> {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\d+ 0 obj\s*(<<[^]*?>>)\s*(stream\r?\n)?/g)].map((match) => {
    const dictionary = match[1]!;
    if (!match[2]) return { dictionary };
    const start = match.index + match[0].length;
    const length = Number(/\/Length (\d+)/.exec(dictionary)![1]);
    const raw = pdf.subarray(start, start + length);
    return { dictionary, stream: dictionary.includes('/FlateDecode') && !dictionary.includes('/Subtype /Image') ? zlib.inflateSync(raw) : raw };
  });
}

/** Throws unless startxref points at the cross-reference table and every entry of it at its object. */
function checkCrossReferences(pdf: Buffer): void {
  const text = pdf.toString('latin1');
  const start = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  if (!text.startsWith('xref', start)) throw new Error(`startxref ${start} does not point at the xref table`);
  const [, first, count] = /^xref\s+(\d+) (\d+)\s+/.exec(text.slice(start))!;
  const entries = [...text.slice(start).matchAll(/(\d{10}) (\d{5}) ([nf]) ?\r?\n/g)].slice(0, Number(count));
  entries.forEach(([, offset, , kind], index) => {
    const id = Number(first) + index;
    if (kind === 'n' && !text.startsWith(`${id} 0 obj`, Number(offset))) throw new Error(`xref entry ${id} does not point at object ${id}`);
  });
}

/**
 * Reads the one page of a searchable PDF: its MediaBox, its image and the words of its text layer
 * (UTF-16 hex strings shown with Tj after a Tm), once its cross-reference table is checked.
 */
export function readSearchablePdf(pdf: Buffer): PdfPage {
  checkCrossReferences(pdf);
  const objects = readObjects(pdf);
  const page = objects.find(({ dictionary }) => /\/Type \/Page\b/.test(dictionary))!;
  const imageObject = objects.find(({ dictionary }) => dictionary.includes('/Subtype /Image'))!;
  const field = (name: string) => new RegExp(`/${name} /?(\\w+)`).exec(imageObject.dictionary)![1]!;
  const content = objects.map(({ stream }) => stream?.toString('latin1') ?? '').find((stream) => stream.includes(' Do Q'))!;
  const words = [...content.matchAll(/([-\d. ]+) Tm <([0-9a-fA-F]+)> Tj/g)].map(([, matrix, hex]) => ({
    text: Buffer.from(hex!, 'hex').swap16().toString('utf16le').trim(),
    matrix: matrix!.trim().split(/\s+/).map(Number),
  }));
  return {
    mediaBox: /\/MediaBox \[([^\]]+)\]/.exec(page.dictionary)![1]!.trim().split(/\s+/).map(Number),
    image: {
      width: Number(field('Width')),
      height: Number(field('Height')),
      colorSpace: field('ColorSpace'),
      bitsPerComponent: Number(field('BitsPerComponent')),
      filter: field('Filter'),
      stream: imageObject.stream!,
    },
    words,
  };
}
