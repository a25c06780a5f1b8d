/**
 * "Did you mean …?" suggestions for misspelled keys, features and node names.
 *
 * Typos in a declarative file must fail loudly (a misspelled `memroy_mb` that is silently ignored builds the
 * wrong container), and the failure is only useful when it names the intended word.
 */

/**
 * Optimal-string-alignment distance (Damerau–Levenshtein restricted to adjacent transpositions), so that
 * `memroy_mb` is one edit away from `memory_mb`, not two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[rows - 1][cols - 1];
}

/**
 * The closest candidate within `maxDistance` edits (case-insensitive), or undefined. Ties go to the candidate
 * listed first, so callers control preference by ordering.
 * @param maxDistance - largest accepted edit distance; @default 2, and fewer for short words (one edit turns
 *   "x" into "u", which is a guess, not a suggestion)
 */
export function suggestClosest(word: string, candidates: Iterable<string>, maxDistance = Math.min(2, Math.floor(word.length / 3))): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance && distance <= maxDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean 'x'?` when a close candidate exists, else the empty string (for appending to messages). */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = suggestClosest(word, candidates);
  return hit === undefined ? "" : `; did you mean '${hit}'?`;
}

/**
 * The known key `word` is a near miss of: the same key in another case, or one at most two edits away (and fewer
 * edits than the shorter word has letters, since any two-letter word is two edits from `ip` or `gw`). A near miss
 * is an error, not an ignorable unknown key: `memroy_mb` left unread builds the wrong container.
 */
export function findNearMiss(word: string, known: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance && distance <= 2 && distance < Math.min(word.length, candidate.length)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
