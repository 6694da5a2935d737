/**
 * tesseract.js returns the hOCR and TSV of one page; the tesseract CLI wraps them into whole documents
 * (its hOCR and TSV renderers' document header). These do the same, so the files stand on their own.
 */

/** The features the hOCR of a page carries, as its `ocr-capabilities` meta declares them. */
const HOCR_CAPABILITIES = 'ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang';

/** A whole hOCR document around one page's `ocr_page` element, as `tesseract image out hocr` writes it. */
export function hocrDocument(page: string, engineVersion: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>OCR result</title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='tesseract ${engineVersion}' />
  <meta name='ocr-capabilities' content='${HOCR_CAPABILITIES}'/>
 </head>
 <body>
${page.trimEnd()}
 </body>
</html>
`;
}

const TSV_HEADER = ['level', 'page_num', 'block_num', 'par_num', 'line_num', 'word_num', 'left', 'top', 'width', 'height', 'conf', 'text'];

/** One page's TSV rows under the header row the tesseract CLI writes first. */
export function tsvDocument(rows: string): string {
  return `${TSV_HEADER.join('\t')}\n${rows}`;
}
