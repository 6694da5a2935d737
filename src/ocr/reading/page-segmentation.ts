/**
 * The tesseract page segmentation modes the service picks between itself (a client's `psm` may be any of 0 to 13).
 * Fully automatic layout analysis: tesseract's own, for a page the service's analysis cannot tell.
 */
export const PSM_AUTO = 3;
/** One uniform block of text: tesseract.js's own default, and how every region the service finds is read. */
export const PSM_SINGLE_BLOCK = 6;
