/** One recognition request, already validated. */
export interface RecognizeRequest {
  image: Buffer;
  /** Language set such as `eng` or `eng+deu`. */
  lang: string;
  psm?: number;
  /** Called with the fraction done, 0 to 1, as tesseract reports it. */
  onProgress?: (fraction: number) => void;
}

export interface Recognition {
  text: string;
  /** Mean word confidence, 0 to 100. */
  confidence: number;
  psm: number;
  recognitionMs: number;
}

/** Turns an image into text. Throws AppError OCR_TIMEOUT or OCR_FAILED; never crashes the process. */
export interface OcrEngine {
  recognize(request: RecognizeRequest): Promise<Recognition>;
  /** Creates the warm workers for a language set ahead of the first job. */
  warmUp(lang: string): Promise<void>;
  close(): Promise<void>;
}
