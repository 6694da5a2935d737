import sharp from 'sharp';

export interface TextImageOptions {
  /** Font family as fontconfig names it. */
  font?: string;
  dpi?: number;
  background?: string;
  foreground?: string;
}

/** Text made safe for pango markup, which sharp's text input reads. */
export const escapeMarkup = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders printed text into a PNG, so tests know the exact ground truth of what they upload. */
export async function renderTextImage(
  text: string,
  { font = 'DejaVu Sans', dpi = 200, background = '#ffffff', foreground = '#000000' }: TextImageOptions = {},
): Promise<Buffer> {
  const rendered = await sharp({
    text: { text: `<span foreground="${foreground}">${escapeMarkup(text)}</span>`, font, dpi, rgba: true },
  })
    .png()
    .toBuffer();
  return sharp(rendered)
    .extend({ top: 30, bottom: 30, left: 30, right: 30, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .flatten({ background })
    .png()
    .toBuffer();
}
