/** Collapses whitespace runs to one space and normalises to NFC, as the corpus README scores. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Character error rate: edit distance over the reference length, after normalising both. */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const ref = [...normaliseText(reference)];
  return levenshtein(ref, [...normaliseText(hypothesis)]) / Math.max(1, ref.length);
}

/** Word error rate: edit distance over words, over the reference word count. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const words = (text: string) => normaliseText(text).split(' ').filter(Boolean);
  const ref = words(reference);
  return levenshtein(ref, words(hypothesis)) / Math.max(1, ref.length);
}
