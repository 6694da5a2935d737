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

  it('tries the turn the orientation detection finds, only when it is confident of it', () => {
    expect(turnToTry({ upright: 30, detected: { rotation: 90, confidence: 9 } })).toBe(90);
    expect(turnToTry({ upright: 30, detected: { rotation: 180, confidence: 0.6 } })).toBe(180);
    expect(turnToTry({ upright: 30, detected: { rotation: 90, confidence: 0.2 } })).toBeUndefined();
    expect(turnToTry({ upright: 30, detected: { rotation: 0, confidence: 9 } })).toBeUndefined();
    expect(turnToTry({ upright: 30 })).toBeUndefined();
  });

  it('turns only when the turned read is clearly better, and says how much of the evidence agreed', () => {
    const agreed = { upright: 35, detected: { rotation: 270 as const, confidence: 9 }, turned: 92 };
    expect(turnsPage(agreed)).toBe(true);
    expect(rotationConfidence(270, agreed)).toBe(1);
    const barelyBetter = { ...agreed, turned: 38 };
    expect(turnsPage(barelyBetter)).toBe(false);
    // Kept upright: the detection said otherwise, the read at its turn did not.
    expect(rotationConfidence(0, barelyBetter)).toBe(0.5);
    expect(rotationConfidence(0, { upright: 35, detected: { rotation: 0, confidence: 3 } })).toBe(1);
    // Nothing could tell: the detection found too few characters.
    expect(rotationConfidence(0, { upright: 35 })).toBe(0);
    expect(rotationConfidence(0)).toBe(1);
  });
});
