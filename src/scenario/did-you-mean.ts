/**
 * "Did you mean" suggestions for misspelt keys and values. Pure.
 */

/** Edit distance up to which a candidate counts as a likely typo. */
export const SUGGESTION_DISTANCE_MAX = 2;

/**
 * The closest candidate within {@link SUGGESTION_DISTANCE_MAX} edits (case-insensitive; a
 * case-only difference always wins), or undefined. Also suggests a candidate that only adds a
 * unit suffix ("duration" → "durationSec"), since every field name here carries its unit.
 *
 * @example
 * closest('ratelimit', ['outage', 'rateLimit']) // 'rateLimit'
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = SUGGESTION_DISTANCE_MAX + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    let distance = c === lower ? 0 : levenshtein(lower, c);
    if (distance > SUGGESTION_DISTANCE_MAX && isUnitSuffixOnly(lower, c)) distance = SUGGESTION_DISTANCE_MAX;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance (insert, delete, substitute), O(|a|·|b|) time, O(|b|) memory. */
export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function isUnitSuffixOnly(word: string, candidate: string): boolean {
  return word.length >= 3 && /^(sec|ms|bps|max)$/.test(candidate.slice(word.length)) && candidate.startsWith(word);
}
