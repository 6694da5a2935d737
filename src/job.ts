import type { ErrorInfo } from './errors.js';
import type { OutputFormat, Region, StoredOutputs, Table } from './formats.js';

export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed'];

/** Whether the job has ended (completed or failed): nothing moves it again. */
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** What the client asked for, carried with the job from upload to worker. */
export interface OcrOptions {
  /** Language set such as `eng` or `eng+deu`. */
  lang: string;
  /** Tesseract page segmentation mode; preprocessing decides per page when absent. */
  psm?: number;
  /** False sends the image to tesseract exactly as uploaded; absent means true. */
  preprocess?: boolean;
  /** Outputs wanted besides the text, which is always produced (the upload's `output`). */
  outputs?: OutputFormat[];
  /** Set on documents only: the 1-based pages of the original to read, in order (the upload's `pages`, or all). */
  pages?: number[];
  /** Read every page of a document with OCR, even one with a text layer (the upload's `force_ocr`). */
  forceOcr?: boolean;
}

/**
 * What a job on the queue is: an uploaded image read as it is; an uploaded document (PDF, multi-page TIFF), which
 * is split into page jobs; or one page of a document, rendered as an image.
 */
export const JOB_KINDS = ['image', 'document', 'page'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** One page of a document task, read as a job of its own so that several workers read one document at once. */
export interface DocumentPart {
  task: string;
  page: number;
  /** Set for a page of a PDF: where its image lies on the page, so that its searchable PDF is the page's size. */
  paper?: PaperPlacement;
}

/** A PDF page's size and the box on it that its rendered image shows, in points from its top-left corner. */
export interface PaperPlacement {
  widthPt: number;
  heightPt: number;
  image: { leftPt: number; topPt: number; widthPt: number; heightPt: number };
}

/** Where a page's text came from: the PDF's own text layer, or OCR of its image. */
export type PageSource = 'text-layer' | 'ocr';

/** One page of a document's result, in the order of the original. */
export interface PageResult extends StoredOutputs {
  /** 1-based page number of the original document. */
  page: number;
  confidence: number;
  source: PageSource;
  /** The page segmentation mode an OCR page was read with. */
  psm?: number;
  /** The language set an OCR page was read with (the one found, for `auto`). */
  lang?: string;
  /** Degrees an OCR page was turned clockwise to read it upright. */
  rotation?: number;
  /** How sure the service is of `rotation`, 0 to 1. */
  rotationConfidence?: number;
  /** An OCR page's regions in reading order, and its tables. */
  regions?: Region[];
  tables?: Table[];
  recognitionMs: number;
}

/** A page as the document's result shows it; its hOCR, TSV and PDF are merged into the document's. */
export type ResultPage = Pick<PageResult, 'page' | 'text' | 'confidence' | 'source' | 'lang' | 'rotation' | 'words' | 'lines' | 'regions' | 'tables'>;

/** A job as it travels through the queue: what kind of job it is, the bytes and what the client asked for. */
export interface JobMessage {
  id: string;
  kind: JobKind;
  /** The upload's bytes (image and document jobs) or the page's rendered image (page jobs). */
  image: Buffer;
  /** The type of `image`, detected once at intake; the worker trusts it. */
  mediaType: string;
  options: OcrOptions;
  /** Set on page jobs only: the document task this job reads one page of, and which page. */
  part?: DocumentPart;
}

/** What a job is, without its image: all that recording its fate needs. */
export type QueuedJob = Omit<JobMessage, 'image'>;

export interface OcrTimings {
  /** Time spent waiting in the queue before a worker took the job. */
  queuedMs: number;
  /** Time tesseract.js spent on the image. */
  recognitionMs: number;
}

/** The text and the outputs asked for; boxes are in pixels of the uploaded image as viewers show it (EXIF orientation applied). */
export interface OcrResult extends StoredOutputs {
  /** Mean word confidence, 0 to 100. */
  confidence: number;
  /** The language set the page was read with (the one found, for `auto`). */
  lang: string;
  /** Degrees the image was turned clockwise to read it upright; absent in results stored before it was reported. */
  rotation?: number;
  /** How sure the service is of `rotation`, 0 to 1; absent for documents and in results stored before it was reported. */
  rotationConfidence?: number;
  psm: number;
  /** The page's regions in reading order (headings, text, tables) and its tables cell by cell; absent in results stored before they were reported. */
  regions?: Region[];
  tables?: Table[];
  timings: OcrTimings;
  /** Each page of a document, its text and boxes; absent for a single image. */
  pages?: ResultPage[];
  /** A document's least confident page's confidence: one page read poorly shows here, where the mean hides it. */
  minPageConfidence?: number;
}

/** What the job keeps about its callback, so a client can see whether it was notified. */
export interface CallbackDelivery {
  url: string;
  status: 'delivered' | 'failed';
  attempts: number;
  /** HTTP status of the last answer, when there was one. */
  lastStatus?: number;
  lastError?: string;
  finishedAt: string;
}

/** A job's state as the store keeps it and the API returns it. */
export interface JobRecord {
  id: string;
  status: JobStatus;
  options: OcrOptions;
  mediaType: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  /** Recognition progress, 0 to 1, while processing. */
  progress?: number;
  result?: OcrResult;
  error?: ErrorInfo;
  /** Name of the API key that created the job; only that key may read or delete it. */
  owner?: string;
  /** Where the worker POSTs the job when it ends. */
  callbackUrl?: string;
  callback?: CallbackDelivery;
  /** The uploaded file's name, as the client sent it. */
  fileName?: string;
  /** The uploaded file's size in bytes. */
  sizeBytes?: number;
}
