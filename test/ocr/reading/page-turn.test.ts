import { describe, expect, it } from 'vitest';
import type { Recognition } from '../../../src/ocr/engine/engine.js';
import { inDoubt, rotationConfidence, turnsPage, turnToTry } from '../../../src/ocr/reading/page-turn.js';

const read = (confidence: number, text: string) => ({ confidence, text }) as Recognition;

describe('turning a page only on evidence', () => {
  it('looks for evidence only when a read of some text is not confident', () => {
    expect(inDoubt(read(90, 'Plenty of text read confidently'))).toBe(false);
    expect(inDoubt(read(30, 'Plenty of text read poorly'))).toBe(true);
    expect(inDoubt(read(30, 'a b'))).toBe(false);
  });

  it('tries a quarter turn only when the orientation detection and the lines running down the page agree', () => {
    const detected = { rotation: 90 as const, confidence: 9 };
    expect(turnToTry({ upright: 30, detected, lines: -1.5 })).toBe(90);
    // The lines run across the page: it is not on its side, whatever the detection says.
    expect(turnToTry({ upright: 30, detected, lines: 1.5 })).toBeUndefined();
    // Lines that run neither way clearly say nothing, and nothing is turned on the detection alone.
    expect(turnToTry({ upright: 30, detected, lines: 0.05 })).toBeUndefined();
    expect(turnToTry({ upright: 30, detected: { rotation: 90, confidence: 0.4 }, lines: -1.5 })).toBeUndefined();
    expect(turnToTry({ upright: 30, lines: -1.5 })).toBeUndefined();
    // Upside down, the lines still run across.
    expect(turnToTry({ upright: 30, detected: { rotation: 180, confidence: 9 }, lines: 1.5 })).toBe(180);
  });

  it('turns only when the turned read is clearly better, and says how much of the evidence agreed', () => {
    const agreed = { upright: 35, detected: { rotation: 270 as const, confidence: 9 }, lines: -1.5, turned: 92 };
    expect(turnsPage(agreed)).toBe(true);
    expect(rotationConfidence(270, agreed)).toBe(1);
    const barelyBetter = { ...agreed, turned: 38 };
    expect(turnsPage(barelyBetter)).toBe(false);
    // Kept upright: the detection and the lines said otherwise, the read at their turn did not.
    expect(rotationConfidence(0, barelyBetter)).toBeCloseTo(1 / 3);
    expect(rotationConfidence(0, { upright: 35, lines: 1.5 })).toBe(1);
    expect(rotationConfidence(0, { upright: 35, lines: 0 })).toBe(0);
    expect(rotationConfidence(0)).toBe(1);
  });
});
