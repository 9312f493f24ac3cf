import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { z } from 'zod';
import { crossCheck } from './cross-checks.ts';
import { SCENARIO_ERROR_CODES as CODES, type ScenarioError } from './errors.ts';
import { issueToErrors } from './issues.ts';
import { createLocator } from './positions.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/** A scenario, or every mistake found in it. */
export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

/**
 * Parses scenario text — YAML, or JSON (JSON is YAML, so positions work the same). Never throws
 * for a user's mistake: all problems come back at once, each with file, line, column, path,
 * expected vs found and, where one is close, a "did you mean" hint. Cross-field rules run once
 * the schema passes.
 *
 * @example
 * const result = parseScenario(text, 'scenarios/default.yaml');
 * if (!result.ok) console.error(formatScenarioErrors(result.errors));
 */
export function parseScenario(text: string, file: string): ScenarioResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) return { ok: false, errors: doc.errors.map((e) => yamlError(e, file)) };

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // toJS refuses alias bombs ("Excessive alias count") and similar; the text is at fault.
    return { ok: false, errors: [{ code: CODES.yaml, file, line: 1, column: 1, path: '', message: `cannot read the document: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (data === null || data === undefined) {
    return { ok: false, errors: [{ code: CODES.type, file, line: 1, column: 1, path: '', message: 'the file is empty', expected: 'a mapping with name:, seed:, durationSec:, market:, venues:, limits: …', hint: 'start from scenarios/default.yaml' }] };
  }

  const locate = createLocator(doc, lineCounter);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    const context = { root: scenarioSchema, data, file, locate };
    return { ok: false, errors: sortByPosition(parsed.error.issues.flatMap((issue) => issueToErrors(issue, context))) };
  }
  const errors = crossCheck(parsed.data, file, locate);
  return errors.length > 0 ? { ok: false, errors: sortByPosition(errors) } : { ok: true, scenario: parsed.data };
}

/** Reads a scenario file (the only I/O here) and parses it. A missing or unreadable file is an error result, not a throw. */
export async function loadScenarioFile(path: string): Promise<ScenarioResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      errors: [
        {
          code: CODES.file,
          file: path,
          line: 0,
          column: 0,
          path: '',
          message: errno === 'ENOENT' ? 'no such file' : errno === 'EISDIR' ? 'this is a directory, not a scenario file' : `cannot read the file (${errno ?? String(error)})`,
          hint: 'check the path (relative to the current directory); shipped scenarios are in scenarios/',
        },
      ],
    };
  }
  return parseScenario(text, path);
}

/**
 * The scenario format as JSON Schema (draft 2020-12), for editors and docs. Best effort: it
 * describes the input side, so durations are `number | string` and defaulted keys are optional;
 * cross-field rules (known venues, windows inside the run) are not expressible and not included.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function yamlError(e: YAMLError, file: string): ScenarioError {
  const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
  // With prettyErrors, yaml appends " at line L, column C:" and a code frame; we print our own position.
  const first = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
  return {
    code: CODES.yaml,
    file,
    line: pos.line,
    column: pos.col,
    path: '',
    message: `not valid YAML: ${first}`,
    hint: 'check indentation, brackets, quotes and ":" near this position',
  };
}

function sortByPosition(errors: ScenarioError[]): ScenarioError[] {
  return errors.map((e, i) => ({ e, i })).sort((a, b) => a.e.line - b.e.line || a.e.column - b.e.column || a.i - b.i).map(({ e }) => e);
}
