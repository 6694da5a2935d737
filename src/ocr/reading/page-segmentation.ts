/**
 * The tesseract page segmentation modes the service picks between itself (a client's `psm` may be any of 0 to 13).
 * Fully automatic layout analysis: what a page set in columns needs.
 */
export const PSM_AUTO = 3;
/** One uniform block of text: tesseract.js's own default, and what invoices and rotated text want. */
export const PSM_SINGLE_BLOCK = 6;
