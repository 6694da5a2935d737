import zlib from 'node:zlib';
import type { PointMapper } from './coordinates.js';
import { imageXObject, type PageImage } from './page-image.js';
import type { TextBox } from '../../formats.js';

/**
 * The resolution a page is shown at when its image declares none, or one tesseract would not believe either
 * (outside its 70 to 2400 dpi): 300 dpi, the usual resolution of document scans.
 */
const ASSUMED_DPI = 300;
const MIN_CREDIBLE_DPI = 70;
const MAX_CREDIBLE_DPI = 2400;
const POINTS_PER_INCH = 72;

/** The resolution of the page: the image's own when it declares a credible one, else ASSUMED_DPI. */
function pageResolution(declaredDpi: number | undefined): number {
  return declaredDpi !== undefined && declaredDpi >= MIN_CREDIBLE_DPI && declaredDpi <= MAX_CREDIBLE_DPI ? declaredDpi : ASSUMED_DPI;
}

/**
 * tesseract's GlyphLessFont (`tessdata/pdf.ttf`, Apache-2.0): one empty glyph, 500 units wide, that every
 * character maps to. Text set in it is invisible on paper but is searched, selected and copied.
 */
const GLYPHLESS_FONT = Buffer.from(
  'AAEAAAAKAIAAAwAgT1MvMlbeyJQAAAEoAAAAYGNtYXAACgA0AAABkAAAAB5nbHlmFSJBJAAAAbgAAAAYaGVhZAt48WUAAACsAAAANmhoZWEMAgQCAAAA5AAAACRobXR4BAAAAAAAAYgAAAAIbG9jYQAMAAAAAAGwAAAABm1heHAABAAFAAABCAAAACBuYW1l8usW2gAAAdAAAABLcG9zdAABAAEAAAIcAAAAIAABAAAAAQAAsJRxEF8PPPUEBwgAAAAAAM+a/G4AAAAA1MOn8gAAAAAEAAgAAAAAEAACAAAAAAAAAAEAAAgA//8AAAQAAAAAAAQAAAEAAAAAAAAAAAAAAAAAAAACAAEAAAACAAQAAQAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAwAAAZAABQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUAAQABAAAAAAAAAAAAAAAAAAAAAAAAAAAAR09PRwBAAAAAAAAB//8AAAABAAGAAAAAAAAAAAAAAAAAAAABAAAAAAAABAAAAAAAAAIAAQAAAAAAFAADAAAAAAAUAAYACgAAAAAAAAAAAAAAAAAMAAAAAQAAAAAEAAgAAAMAADEhESEEAPwACAAAAAADACoAAAADAAAABQAWAAAAAQAAAAAABQALABYAAwABBAkABQAWAAAAVgBlAHIAcwBpAG8AbgAgADEALgAwVmVyc2lvbiAxLjAAAAEAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAA=',
  'base64',
);
/** Every glyph of GLYPHLESS_FONT advances this share of the font size. */
const GLYPH_ADVANCE = 0.5;
/** Maps every character code (a UTF-16 unit) to the font's one glyph. */
const CID_TO_GID_MAP = zlib.deflateSync(Buffer.alloc(65_536 * 2, Buffer.from([0, 1])));
/** The character codes are UTF-16 units, so text extraction reads them back as they are. */
const TO_UNICODE_CMAP = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
`;

const number = (value: number) => String(Math.round(value * 1000) / 1000);

/**
 * One word of invisible text, laid over where it is in the image: the text matrix carries its baseline from the
 * bottom-left corner to the bottom-right one and its height up to the top-left one, so a word of a deskewed page
 * follows the slope of the image, and the trailing space (past the box, in the gap) separates it from the next.
 */
function wordOperators({ text, bbox }: TextBox, map: PointMapper, toPage: (x: number, y: number) => [number, number]): string {
  const [left, bottom] = toPage(...map(bbox.x0, bbox.y1));
  const [right, bottomRight] = toPage(...map(bbox.x1, bbox.y1));
  const [topLeft, top] = toPage(...map(bbox.x0, bbox.y0));
  const units = text.length * GLYPH_ADVANCE;
  const matrix = [(right - left) / units, (bottomRight - bottom) / units, topLeft - left, top - bottom, left, bottom];
  return `${matrix.map(number).join(' ')} Tm <${Buffer.from(`${text} `, 'utf16le').swap16().toString('hex')}> Tj`;
}

/**
 * A one-page searchable PDF: the image at its resolution (`pageResolution`), so the page is the size of the paper
 * it was scanned from, under an invisible text layer of the recognised words. `map` takes a word's box from the
 * coordinates of the image tesseract read to those of `image`.
 */
export function buildSearchablePdf(image: PageImage, words: readonly TextBox[], map: PointMapper): Buffer {
  const scale = POINTS_PER_INCH / pageResolution(image.density);
  const pageWidth = image.width * scale;
  const pageHeight = image.height * scale;
  // Image pixels run down from the top; PDF points run up from the bottom.
  const toPage = (x: number, y: number): [number, number] => [x * scale, pageHeight - y * scale];
  const textLayer = words
    .filter(({ text, bbox }) => text.length > 0 && bbox.x1 > bbox.x0 && bbox.y1 > bbox.y0)
    .map((word) => wordOperators(word, map, toPage));
  const content = [`q ${number(pageWidth)} 0 0 ${number(pageHeight)} 0 0 cm /Im1 Do Q`, 'BT 3 Tr /F1 1 Tf', ...textLayer, 'ET', ''].join('\n');

  const xObject = imageXObject(image);
  const objects: Array<string | { dictionary: string; stream: Buffer }> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${number(pageWidth)} ${number(pageHeight)}] ` +
      '/Resources << /XObject << /Im1 4 0 R >> /Font << /F1 6 0 R >> >> /Contents 5 0 R >>',
    { dictionary: `<< ${xObject.dictionary}`, stream: xObject.stream },
    { dictionary: '<< /Filter /FlateDecode', stream: zlib.deflateSync(content) },
    '<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 10 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ' +
      `/FontDescriptor 8 0 R /DW ${GLYPH_ADVANCE * 1000} /CIDToGIDMap 11 0 R >>`,
    '<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000] /ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000 /StemV 80 /FontFile2 9 0 R >>',
    { dictionary: `<< /Length1 ${GLYPHLESS_FONT.length}`, stream: GLYPHLESS_FONT },
    { dictionary: '<<', stream: Buffer.from(TO_UNICODE_CMAP) },
    { dictionary: '<< /Filter /FlateDecode', stream: CID_TO_GID_MAP },
  ];

  const parts: Buffer[] = [Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  const append = (part: Buffer) => {
    parts.push(part);
    length += part.length;
  };
  objects.forEach((object, index) => {
    offsets.push(length);
    if (typeof object === 'string') {
      append(Buffer.from(`${index + 1} 0 obj\n${object}\nendobj\n`));
      return;
    }
    append(Buffer.from(`${index + 1} 0 obj\n${object.dictionary} /Length ${object.stream.length} >>\nstream\n`));
    append(object.stream);
    append(Buffer.from('\nendstream\nendobj\n'));
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`)];
  append(Buffer.from(`${xref.join('')}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}
