import type { QuarterTurn } from '../analysis/preprocess.js';
import type { OrientationGuess, Recognition } from '../engine/engine.js';

/**
 * A first read less confident than this may be of a page turned sideways or upside down: turned pages read well
 * below it, and upright pages of text, noisy ones included, above it. Only such pages look for evidence of a turn.
 */
const DOUBTFUL_CONFIDENCE = 55;
/** Fewer characters than this are a blank page or a speck, not a page to turn. */
const MIN_TURNED_TEXT = 10;
/** Tesseract's orientation detection is taken as evidence of a turn only this confident. */
const MIN_DETECTION_CONFIDENCE = 2;
/** lineDirection beyond this either way says which way the lines run; nearer 0 it says nothing. */
const CLEAR_LINE_DIRECTION = 0.3;
/** The read at the detected turn must be this many points of confidence more than the upright read to turn the page. */
const TURNED_READ_MARGIN = 15;

/** What was weighed to decide a page's turn: the logs' and the benchmark's. */
export interface TurnEvidence {
  /** The upright read's mean word confidence. */
  upright: number;
  /** Tesseract's orientation detection, when it found text enough to tell. */
  detected?: OrientationGuess;
  /** Which way the upright page's text lines run (layout/line-direction.ts). */
  lines: number;
  /** The confidence of the read at the detected turn, when the evidence agreed on one and it was read. */
  turned?: number;
}

/** The turn a page is read at, and how sure the service is of it. */
export interface TurnDecision {
  rotation: QuarterTurn;
  /** 0 to 1: see `rotationConfidence`. */
  confidence: number;
  /** Absent when the upright read left no doubt. */
  evidence?: TurnEvidence;
}

/** An upright read that leaves no doubt: confident, or too little text to be a page turned. */
export const inDoubt = ({ confidence, text }: Recognition): boolean =>
  confidence < DOUBTFUL_CONFIDENCE && text.replace(/\s/g, '').length >= MIN_TURNED_TEXT;

/** Lines running across suit an upright page and one upside down; lines running down, a page on its side. */
const linesSuit = (lines: number, rotation: QuarterTurn): boolean | undefined =>
  Math.abs(lines) < CLEAR_LINE_DIRECTION ? undefined : lines > 0 === (rotation === 0 || rotation === 180);

/**
 * The turn worth a read, when tesseract's orientation detection finds one confidently and the direction of the
 * page's lines agrees with it: either alone is wrong too often on pictures with a little text (a map's names at
 * angles, a chart's axis title running up its side, the edges of shapes in a photograph).
 */
export function turnToTry({ detected, lines }: TurnEvidence): QuarterTurn | undefined {
  if (!detected || detected.rotation === 0 || detected.confidence < MIN_DETECTION_CONFIDENCE) return undefined;
  return linesSuit(lines, detected.rotation) === true ? detected.rotation : undefined;
}

/** The page is turned only when the read at the detected turn is clearly better than the upright one. */
export const turnsPage = ({ upright, turned }: TurnEvidence): boolean => turned !== undefined && turned >= upright + TURNED_READ_MARGIN;

/**
 * How sure the service is of the turn it reports, 0 to 1: 1 when the upright read left no doubt; otherwise the share
 * of the evidence weighed that points to it (the orientation detection, the direction of the lines, the read at the
 * detected turn when there was one), 0 when none could tell.
 */
export function rotationConfidence(rotation: QuarterTurn, evidence?: TurnEvidence): number {
  if (!evidence) return 1;
  const { detected, lines, turned } = evidence;
  const votes = [
    detected && (detected.confidence >= MIN_DETECTION_CONFIDENCE ? detected.rotation === rotation : undefined),
    linesSuit(lines, rotation),
    turned === undefined ? undefined : turnsPage(evidence) === (rotation !== 0),
  ].filter((vote) => vote !== undefined);
  return votes.length === 0 ? 0 : votes.filter(Boolean).length / votes.length;
}
