import { once } from 'node:events';
import zlib from 'node:zlib';

/**
 * A PDF of the given objects, numbered from 1 in order, object 1 the catalog, with a correct cross-reference table:
 * whatever is wrong with it is what the objects say, not the file's structure.
 */
export function buildPdf(objects: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets = objects.map((body, index) => {
    const offset = length;
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), Buffer.from(body), Buffer.from('\nendobj\n')]);
    parts.push(object);
    length += object.length;
    return offset;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  return Buffer.concat([...parts, Buffer.from(xref)]);
}

/** A stream object: its dictionary entries (without /Length) and its bytes. */
export const streamObject = (dictionary: string, data: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]);

const LETTER = '/MediaBox [0 0 612 792]';

/**
 * One Letter page (object 3) drawing one content stream (object 4), with the given resources and further objects
 * from 5 on; its page tree (object 2) holds `kids` and says it has `count` pages.
 */
function onePage(content: string, resources: string, extra: Buffer[] = [], { kids = '3 0 R', count = 1 } = {}): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${count} >>`,
    `<< /Type /Page /Parent 2 0 R ${LETTER} /Resources ${resources} /Contents 4 0 R >>`,
    streamObject('', Buffer.from(content)),
    ...extra,
  ]);
}

const HELLO = 'BT /F1 12 Tf 72 720 Td (Hello) Tj ET';

/** A page tree that says it has two pages and holds one. */
export const countTwoOneKid = (): Buffer => onePage(HELLO, '<< >>', [], { count: 2 });

/** A page tree that lists itself among its kids, before its one page. */
export const treeListsItself = (): Buffer => onePage(HELLO, '<< >>', [], { kids: '2 0 R 3 0 R', count: 2 });

/** `bytes` zeros, deflated a chunk at a time, so the test never holds them all: about a thousandth of their size. */
export async function deflatedZeros(bytes: number): Promise<Buffer> {
  const deflate = zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (data: Buffer) => out.push(data));
  const ended = once(deflate, 'end');
  const chunk = Buffer.alloc(1 << 22);
  for (let left = bytes; left > 0; left -= chunk.length) {
    if (!deflate.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  return Buffer.concat(out);
}

const imageXObject = (side: number, zeros: Buffer) =>
  streamObject(
    `/Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode`,
    zeros,
  );

/** One Letter page that draws one `side` × `side` 1-bit image, its pixel data `zeros` (see deflatedZeros). */
export const imageBombPage = (side: number, zeros: Buffer): Buffer =>
  onePage('q 612 0 0 792 0 0 cm /Im0 Do Q', '<< /XObject << /Im0 5 0 R >> >>', [imageXObject(side, zeros)]);

/** The same, the image drawn by a form XObject that the page draws. */
export const imageBombInForm = (side: number, zeros: Buffer): Buffer =>
  onePage('q /Fm0 Do Q', '<< /XObject << /Fm0 5 0 R >> >>', [
    streamObject(
      '/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /Im0 6 0 R >> >>',
      Buffer.from('q 612 0 0 792 0 0 cm /Im0 Do Q'),
    ),
    imageXObject(side, zeros),
  ]);

/**
 * One Letter page that draws `count` images of `side` × `side` 1-bit pixels, each an object of its own (all of them
 * `zeros`): every image within MAX_IMAGE_PIXELS, so the page passes the upload check, and each decoded and scaled
 * onto the page when it is rendered.
 */
export const manyImagesPage = (count: number, side: number, zeros: Buffer): Buffer => {
  const indices = Array.from({ length: count }, (_, index) => index);
  return onePage(
    indices.map((index) => `q 612 0 0 792 0 0 cm /Im${index} Do Q`).join('\n'),
    `<< /XObject << ${indices.map((index) => `/Im${index} ${5 + index} 0 R`).join(' ')} >> >>`,
    indices.map(() => imageXObject(side, zeros)),
  );
};
