/**
 * Scenario errors: one shape, a stable code, and everything a person needs to fix the file.
 *
 * Codes: VC_SCENARIO_FILE (cannot read), VC_SCENARIO_YAML (syntax), VC_SCENARIO_UNKNOWN_KEY,
 * VC_SCENARIO_MISSING, VC_SCENARIO_TYPE, VC_SCENARIO_VALUE, VC_SCENARIO_UNKNOWN_VENUE,
 * VC_SCENARIO_WINDOW, VC_SCENARIO_DUPLICATE, VC_SCENARIO_SYMBOL.
 */
export interface ScenarioError {
  code: string;
  file: string;
  /** 1-based; 0 when the file could not be read. */
  line: number;
  column: number;
  /** e.g. "faults[1].kind" */
  path: string;
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
}

/** One block per error: `file:line:col  path  message`, then expected / found / hint. */
export function formatScenarioErrors(errors: readonly ScenarioError[]): string {
  return errors
    .map((e) => {
      const where = e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
      const lines = [`${where}  ${e.path === '' ? '' : `${e.path}  `}${e.message}  [${e.code}]`];
      if (e.expected !== undefined) lines.push(`  expected: ${e.expected}`);
      if (e.found !== undefined) lines.push(`  found:    ${e.found}`);
      if (e.hint !== undefined) lines.push(`  hint:     ${e.hint}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

/** The closest candidate within edit distance 2 (case-insensitive), for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0.5 : levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && c !== word) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}
