import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { compose, type ReadText } from './compose.ts';
import { checkInputOf, crossCheck, salvage } from './cross-checks.ts';
import { SCENARIO_ERROR_CODES as CODES, type ScenarioError } from './errors.ts';
import { issueToErrors } from './issues.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/** A scenario, or every mistake found in it. */
export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

/** One run of a file: a file without `matrix` is one run; with it, one per combination of values. */
export interface ScenarioRun {
  /** Stable name (also the scenario's `name`): the file's name plus `--<axis>-<value>` per matrix axis. */
  name: string;
  scenario: Scenario;
  /** Matrix axis → value for this run (empty without a matrix). */
  params: Record<string, unknown>;
}

/** Every run a file expands to, or every mistake found in it (in any run). */
export type ScenarioSetResult = { ok: true; runs: ScenarioRun[] } | { ok: false; errors: ScenarioError[] };

export interface ParseOptions {
  /** Reads a base file named by `extends`. Without it, a file that extends another is an error (text has no directory). */
  read?: ReadText;
}

/**
 * Parses scenario text — YAML, or JSON (JSON is YAML, so positions work the same) — into every
 * run it describes: `extends` merged, `matrix` expanded. Never throws for a user's mistake: all
 * problems come back at once, each with file, line, column, path, expected vs found and, where
 * one is close, a "did you mean" hint. Schema and cross-field mistakes are reported together.
 *
 * @example
 * const result = parseScenarioSet(text, 'scenarios/default.yaml');
 * if (!result.ok) console.error(formatScenarioErrors(result.errors));
 */
export function parseScenarioSet(text: string, file: string, options: ParseOptions = {}): ScenarioSetResult {
  const composed = compose(text, file, options.read);
  if (!composed.ok) return { ok: false, errors: sortByPosition(composed.errors, file) };

  const runs: ScenarioRun[] = [];
  const found: Array<{ error: ScenarioError; run: string }> = [];
  for (const run of composed.runs) {
    const parsed = scenarioSchema.safeParse(run.data);
    if (parsed.success) {
      const errors = crossCheck(checkInputOf(parsed.data), file, run.locate);
      if (errors.length === 0) runs.push({ name: run.name, scenario: parsed.data, params: run.params });
      else found.push(...errors.map((error) => ({ error, run: run.name })));
    } else {
      const context = { root: scenarioSchema, data: run.data, file, locate: run.locate };
      const errors = [...parsed.error.issues.flatMap((issue) => issueToErrors(issue, context)), ...crossCheck(salvage(run.data), file, run.locate)];
      found.push(...errors.map((error) => ({ error, run: run.name })));
    }
  }
  if (found.length === 0) return { ok: true, runs };
  return { ok: false, errors: sortByPosition(mergeAcrossRuns(found, composed.runs.length), file) };
}

/**
 * Parses text that describes one run (no `matrix`). A matrix file is an error here: load it with
 * {@link parseScenarioSet}, which returns every run.
 */
export function parseScenario(text: string, file: string, options: ParseOptions = {}): ScenarioResult {
  return single(parseScenarioSet(text, file, options), file);
}

/** Reads a scenario file (and any bases it extends) and returns every run it describes. A missing or unreadable file is an error result, not a throw. */
export async function loadScenarioSet(path: string): Promise<ScenarioSetResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [fileError(path, error)] };
  }
  return parseScenarioSet(text, path, { read: readBase });
}

/** Reads a scenario file that describes one run; see {@link loadScenarioSet} for files with a `matrix`. */
export async function loadScenarioFile(path: string): Promise<ScenarioResult> {
  return single(await loadScenarioSet(path), path);
}

/** Reads a base named by `extends` (synchronously: bases are small and few). */
export const readBase: ReadText = (path) => {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: errno === 'ENOENT' ? 'no such file' : errno === 'EISDIR' ? 'it is a directory' : `cannot read it (${errno ?? String(error)})` };
  }
};

function single(set: ScenarioSetResult, file: string): ScenarioResult {
  if (!set.ok) return set;
  const [first] = set.runs;
  if (set.runs.length === 1 && first !== undefined) return { ok: true, scenario: first.scenario };
  return {
    ok: false,
    errors: [
      {
        code: CODES.matrix,
        file,
        line: 1,
        column: 1,
        path: 'matrix',
        message: `this file is a matrix of ${set.runs.length} runs, not one scenario`,
        hint: 'run it with `venuechaos run` (every run) or load it with loadScenarioSet',
      },
    ],
  };
}

function fileError(path: string, error: unknown): ScenarioError {
  const errno = (error as NodeJS.ErrnoException).code;
  return {
    code: CODES.file,
    file: path,
    line: 0,
    column: 0,
    path: '',
    message: errno === 'ENOENT' ? 'no such file' : errno === 'EISDIR' ? 'this is a directory, not a scenario file' : `cannot read the file (${errno ?? String(error)})`,
    hint: 'check the path (relative to the current directory); shipped scenarios are in scenarios/',
  };
}

/** The same mistake in several runs is reported once; one that only some runs have names them. */
function mergeAcrossRuns(found: ReadonlyArray<{ error: ScenarioError; run: string }>, runCount: number): ScenarioError[] {
  const byKey = new Map<string, { error: ScenarioError; runs: string[] }>();
  for (const { error, run } of found) {
    const key = JSON.stringify([error.code, error.file, error.line, error.column, error.path, error.message, error.found]);
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { error, runs: [run] });
    else entry.runs.push(run);
  }
  return [...byKey.values()].map(({ error, runs }) => (runCount > 1 && runs.length < runCount ? { ...error, runs } : error));
}

/**
 * The scenario format as JSON Schema (draft 2020-12), for editors and docs. Best effort: it
 * describes the input side, so durations are `number | string` and defaulted keys are optional;
 * cross-field rules (known venues, windows inside the run) are not expressible and not included.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, required, ...rest } = schema;
  return {
    $schema,
    title: 'venuechaos scenario',
    description: 'A venuechaos scenario: venues, market, faults, limits and the expected outcome. Generated by `venuechaos schema`; docs/scenarios.md describes every field.',
    ...rest,
    // A file that extends a base may leave required fields to the base.
    if: { required: ['extends'] },
    then: {},
    else: { required },
  };
}

function sortByPosition(errors: ScenarioError[], file: string): ScenarioError[] {
  // This file's mistakes by position; a base's (via extends) after, grouped by file.
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Number(a.e.file !== file) - Number(b.e.file !== file) || a.e.file.localeCompare(b.e.file) || a.e.line - b.e.line || a.e.column - b.e.column || a.i - b.i)
    .map(({ e }) => e);
}
