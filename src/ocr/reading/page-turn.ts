import type { QuarterTurn } from '../analysis/preprocess.js';
import type { OrientationGuess, Recognition } from '../engine/engine.js';

/**
 * A first read less confident than this may be of a page turned sideways or upside down: turned pages read well
 * below it, and upright pages of text, noisy ones included, above it. Only such pages look for evidence of a turn.
 */
const DOUBTFUL_CONFIDENCE = 55;
/** Fewer characters than this are a blank page or a speck, not a page to turn. */
const MIN_TURNED_TEXT = 10;
/**
 * Tesseract's orientation detection is taken as evidence of a turn only this confident. On the pictures with a little
 * text of bench/orientation.ts it found no turn at all (too few characters, on most); on the turned pages of the
 * corpora whose read left doubt, 58 of its 60 right turns were at 0.5 or more, and its one wrong turn under it.
 */
const MIN_DETECTION_CONFIDENCE = 0.5;
/** The read at the detected turn must be this many points of confidence more than the upright read to turn the page. */
const TURNED_READ_MARGIN = 15;

/** What was weighed to decide a page's turn: the logs' and the benchmark's. */
export interface TurnEvidence {
  /** The upright read's mean word confidence. */
  upright: number;
  /** Tesseract's orientation detection, when it found text enough to tell. */
  detected?: OrientationGuess;
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

/** The turn worth a read: the one tesseract's orientation detection finds, when it is confident enough. */
export const turnToTry = ({ detected }: TurnEvidence): QuarterTurn | undefined =>
  detected && detected.rotation !== 0 && detected.confidence >= MIN_DETECTION_CONFIDENCE ? detected.rotation : undefined;

/**
 * The page is turned only when the read at the detected turn is clearly better than the upright one: the detection
 * and the reads must agree.
 */
export const turnsPage = ({ upright, turned }: TurnEvidence): boolean => turned !== undefined && turned >= upright + TURNED_READ_MARGIN;

/**
 * How sure the service is of the turn it reports, 0 to 1: 1 when the upright read left no doubt; otherwise the share
 * of the evidence weighed that points to it (the orientation detection when confident, the read at the detected turn
 * when there was one), 0 when neither could tell.
 */
export function rotationConfidence(rotation: QuarterTurn, evidence?: TurnEvidence): number {
  if (!evidence) return 1;
  const { detected, turned } = evidence;
  const votes = [
    detected && (detected.confidence >= MIN_DETECTION_CONFIDENCE ? detected.rotation === rotation : undefined),
    turned === undefined ? undefined : turnsPage(evidence) === (rotation !== 0),
  ].filter((vote) => vote !== undefined);
  return votes.length === 0 ? 0 : votes.filter(Boolean).length / votes.length;
}
