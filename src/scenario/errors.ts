/**
 * Scenario errors: one shape, a stable code, and everything a person needs to fix the file —
 * where (file:line:column and the field path), what was expected, what was found, what to do.
 */

/** Stable error codes. Tools may match on them; the messages may change. */
export const SCENARIO_ERROR_CODES = {
  /** The file cannot be read (missing, a directory, no permission). */
  file: 'VC_SCENARIO_FILE',
  /** Not valid YAML/JSON syntax. */
  yaml: 'VC_SCENARIO_YAML',
  /** A key the format does not know (often a typo; see the hint). */
  unknownKey: 'VC_SCENARIO_UNKNOWN_KEY',
  /** A required key is absent. */
  missingKey: 'VC_SCENARIO_MISSING_KEY',
  /** The value has the wrong type (a list where a number goes…). */
  type: 'VC_SCENARIO_TYPE',
  /** The type is right but the value is not allowed (range, pattern, enum). */
  value: 'VC_SCENARIO_VALUE',
  /** A duration string that does not parse. */
  duration: 'VC_SCENARIO_DURATION',
  /** A fault names a venue that is not in `venues`. */
  unknownVenue: 'VC_SCENARIO_UNKNOWN_VENUE',
  /** Two venues share an id. */
  duplicateVenue: 'VC_SCENARIO_DUPLICATE_VENUE',
  /** A fault window, inventory step, price jump or gap falls outside the run (or two gaps overlap). */
  window: 'VC_SCENARIO_WINDOW',
  /** A symbol a venue's dialect does not list, or a position in a symbol the run does not trade. */
  symbol: 'VC_SCENARIO_SYMBOL',
  /** A coin the run's markets do not trade (inventory `asset`, `limits.assets`), a coin's limits missing, or two markets in one coin. */
  asset: 'VC_SCENARIO_ASSET',
  /** `extends` names a file that cannot be read, is not a scenario file, or closes a cycle. */
  extends: 'VC_SCENARIO_EXTENDS',
  /** A `matrix` axis that is not a field of the scenario, has no values, or expands too far. */
  matrix: 'VC_SCENARIO_MATRIX',
} as const;

export type ScenarioErrorCode = (typeof SCENARIO_ERROR_CODES)[keyof typeof SCENARIO_ERROR_CODES];

/** One mistake in a scenario file. */
export interface ScenarioError {
  code: ScenarioErrorCode;
  file: string;
  /** 1-based line of the offending node (for a missing key: its parent mapping); 0 when the file could not be read. */
  line: number;
  /** 1-based column, like `line`. */
  column: number;
  /** Field path, e.g. "faults[1].kind"; "" for the whole document. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
  /** For a file with a `matrix`: the runs this mistake occurs in, when not all of them. */
  runs?: string[];
}

/**
 * Renders errors for a terminal, one block per error:
 *
 * ```
 * scenarios/bad.yaml:12:5  faults[1].kind  unknown fault kind  [VC_SCENARIO_VALUE]
 *   expected: one of outage | rateLimit | maintenance
 *   found:    "ratelimit"
 *   hint:     did you mean "rateLimit"?
 * ```
 */
export function formatScenarioErrors(errors: readonly ScenarioError[]): string {
  return errors.map(formatScenarioError).join('\n\n');
}

/** One error as in {@link formatScenarioErrors}. */
export function formatScenarioError(e: ScenarioError): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
  const lines = [[where, e.path, e.message, `[${e.code}]`].filter((part) => part !== '').join('  ')];
  if (e.expected !== undefined) lines.push(`  expected: ${e.expected}`);
  if (e.found !== undefined) lines.push(`  found:    ${e.found}`);
  if (e.hint !== undefined) lines.push(`  hint:     ${e.hint}`);
  if (e.runs !== undefined) lines.push(`  in runs:  ${e.runs.join(', ')}`);
  return lines.join('\n');
}

/** Field path as users write it: `faults[1].kind`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A found value as it would appear in the file: strings quoted, containers named. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** The kind of value, for "expected number, found string" messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}
