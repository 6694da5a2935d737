import net from 'node:net';
import { countTwoOneKid, deflatedZeros, imageBombInForm, imageBombPage, manyImagesPage, treeListsItself } from './hostile-pdfs.js';
import { renderTextImage } from './images.js';

/**
 * One hostile upload mixed into a chaos run, and what the service must make of it: refused at the door with a
 * status and code, or accepted (202) and failed with a code, never retried into a loss or read as something else.
 */
export interface HostileUpload {
  name: string;
  file: Buffer;
  fileName: string;
  fields: Record<string, string>;
  /** The upload's answer, and for an accepted one the code its task fails with. */
  expected: { status: number; code: string };
}

/** A side whose 1-bit image is within MAX_IMAGE_PIXELS, drawn often enough that rendering the page takes seconds. */
const SLOW_SIDE = 6_300;
/** A side whose one image is far beyond MAX_IMAGE_PIXELS: refused at upload, whatever draws it. */
const BOMB_SIDE = 60_000;

/** The render deadline a chaos run gives its workers, so that a slow page costs seconds, not a minute. */
export const CHAOS_RENDER_TIMEOUT_MS = 2_000;

/** Every kind of hostile upload the service must refuse or fail cleanly, made once per run. */
export async function hostileUploads(): Promise<HostileUpload[]> {
  const slowZeros = await deflatedZeros((SLOW_SIDE / 8) * SLOW_SIDE);
  const bombZeros = await deflatedZeros((BOMB_SIDE / 8) * BOMB_SIDE);
  const image = await renderTextImage('A page with hostile fields');
  const pdf = (name: string, file: Buffer, expected: HostileUpload['expected']): HostileUpload => ({
    name,
    file,
    fileName: `${name}.pdf`,
    fields: {},
    expected,
  });
  const fields = (name: string, extra: Record<string, string>, code: string): HostileUpload => ({
    name,
    file: image,
    fileName: 'page.png',
    fields: extra,
    expected: { status: 400, code },
  });
  return [
    pdf('image-bomb', imageBombPage(BOMB_SIDE, bombZeros), { status: 413, code: 'PAGE_TOO_LARGE' }),
    pdf('image-bomb-in-form', imageBombInForm(BOMB_SIDE, bombZeros), { status: 413, code: 'PAGE_TOO_LARGE' }),
    pdf('tree-counts-two-holds-one', countTwoOneKid(), { status: 422, code: 'DOCUMENT_UNREADABLE' }),
    pdf('tree-lists-itself', treeListsItself(), { status: 422, code: 'DOCUMENT_UNREADABLE' }),
    pdf('slow-to-render', manyImagesPage(20, SLOW_SIDE, slowZeros), { status: 202, code: 'PAGE_TOO_COMPLEX' }),
    fields('lang-of-1027-characters', { lang: `${'eng+'.repeat(256)}deu` }, 'FIELD_TOO_LONG'),
    fields('callback-to-loopback-in-nat64', { callback_url: 'http://[64:ff9b::7f00:1]/hook' }, 'INVALID_CALLBACK_URL'),
    fields('callback-to-loopback-ipv4-compatible', { callback_url: 'http://[::7f00:1]/hook' }, 'INVALID_CALLBACK_URL'),
    {
      name: 'text-named-png',
      file: Buffer.from('This is a text file, not a picture.\n'),
      fileName: 'notes.png',
      fields: {},
      expected: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    },
  ];
}

/**
 * Uploads that send their headers and half a body, then stall: the server must cut each one (its request timeout)
 * rather than hold it open. Resolves, once every connection is closed, with how many the server closed.
 */
export function stallUploads(apiUrl: string, count: number): { closedByServer: Promise<number>; abandon(): void } {
  const { hostname, port } = new URL(apiUrl);
  const sockets = Array.from({ length: count }, () => {
    const socket = net.connect(Number(port), hostname);
    socket.on('error', () => undefined);
    // Read (and drop) the server's answer: a socket never read never sees the server close it.
    socket.resume();
    socket.write(
      `POST /upload HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\n`,
    );
    return socket;
  });
  let abandoned = false;
  const closed = sockets.map((socket) => new Promise<boolean>((resolve) => socket.once('close', () => resolve(!abandoned))));
  return {
    closedByServer: Promise.all(closed).then((byServer) => byServer.filter(Boolean).length),
    abandon() {
      abandoned = true;
      for (const socket of sockets) socket.destroy();
    },
  };
}
