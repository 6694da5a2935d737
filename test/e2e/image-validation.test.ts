import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForResult } from '../helpers/client.js';
import { renderTextImage } from '../helpers/images.js';
import { encodeBmp, encodeNetpbm } from '../helpers/raw-image-files.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('image validation before anything is queued (over real HTTP)', () => {
  let service: InProcessService;

  beforeAll(async () => {
    service = await startInProcessService({ OCR_CONCURRENCY: '1' });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('refuses a 30000 × 30000 pixel bomb with 413 IMAGE_TOO_LARGE, at once', async () => {
    const started = performance.now();
    const answer = await upload(service.url, fixture('bad/bomb_30000.png'));
    // Decoding it would take 10 s or more and a gigabyte; the header alone answers in milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: { code: 'IMAGE_TOO_LARGE', message: expect.stringContaining('30000 × 30000') } });
  });

  it('refuses a truncated PNG with 422 IMAGE_UNREADABLE', async () => {
    const answer = await upload(service.url, fixture('bad/truncated.png'));
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it('refuses a 1 × 1 image with 422 IMAGE_TOO_SMALL', async () => {
    const answer = await upload(service.url, fixture('bad/tiny_1x1.png'));
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'IMAGE_TOO_SMALL' });
  });

  it('refuses a truncated BMP with 422 IMAGE_UNREADABLE', async () => {
    const bmp = fixture('peer/simple-bmp.bmp');
    const answer = await upload(service.url, bmp.subarray(0, 2000), { filename: 'scan.bmp', contentType: 'image/bmp' });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it.each([['bad/blank_white.png'], ['bad/wide_60000x40.png']])('reads %s, which holds no text, as empty text', async (name) => {
    const accepted = await upload(service.url, fixture(name));
    expect(accepted.status).toBe(202);
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done.status).toBe('completed');
    expect(done.result.text.trim()).toBe('');
  });

  it.each([
    ['an RLE8 BMP', async (page: Buffer) => encodeBmp(page, { bitsPerPixel: 8, rle8: true }), 'image/bmp'],
    ['a plain PGM', async (page: Buffer) => encodeNetpbm(page, 'P2'), 'image/x-portable-graymap'],
    ['a 16-bit binary PPM', async (page: Buffer) => encodeNetpbm(page, 'P6', { maxValue: 65535 }), 'image/x-portable-pixmap'],
  ])('refuses %s cut short with 422 IMAGE_UNREADABLE, and queues nothing', async (_kind, encode, contentType) => {
    const whole = await encode(await renderTextImage('Cut short'));
    const answer = await upload(service.url, whole.subarray(0, Math.floor(whole.length * 0.9)), { filename: 'scan', contentType });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ error: { code: 'IMAGE_UNREADABLE', message: expect.stringContaining('ends before the pixel data') } });
    expect(answer.headers.get('location')).toBeNull();
  });

  it('fails the job of an image that passes the header check but breaks the decoder, with OCR_FAILED', async () => {
    const plain = await encodeBmp(await renderTextImage('Decoder bug'), { bitsPerPixel: 32 });
    // A valid BMP: 32 bits with BI_BITFIELDS, its three colour masks after a version 3 header. tesseract.js's BMP
    // decoder (bmp-js) reads four masks there, so it starts 4 bytes late and runs off the end of the file.
    const masks = Buffer.alloc(12);
    [0xff0000, 0xff00, 0xff].forEach((mask, index) => masks.writeUInt32LE(mask, index * 4));
    const bmp = Buffer.concat([plain.subarray(0, 54), masks, plain.subarray(54)]);
    bmp.writeUInt32LE(bmp.length, 2);
    bmp.writeUInt32LE(54 + 12, 10);
    bmp.writeUInt32LE(3, 30);
    const accepted = await upload(service.url, bmp, { filename: 'scan.bmp', contentType: 'image/bmp' });
    expect(accepted.status).toBe(202);
    const done = await waitForResult(service.url, accepted.body.task_id);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'OCR_FAILED', message: expect.any(String) } });
  });

  it('keeps working after all of them', async () => {
    const accepted = await upload(service.url, await renderTextImage('Still reading'));
    expect((await waitForResult(service.url, accepted.body.task_id)).result.text).toContain('Still reading');
  });
});
