import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { closest } from './did-you-mean.ts';
import { SCENARIO_ERROR_CODES as CODES, formatPath, type ScenarioError } from './errors.ts';
import { valueAt } from './issues.ts';
import { createLocator, type Locate, type Path, type Position } from './positions.ts';

/**
 * Reuse in scenario files, before validation: `extends` (a base file, deep-merged under this one)
 * and `matrix` (one file expanded into many runs). The result is plain data per run plus a
 * locator that maps any field path back to the file, line and column that wrote it — in the
 * file itself, in a base, or in the matrix value that set it — so errors point at the right place.
 *
 * Merge rules: mappings merge key by key (this file wins); lists and scalars replace; `null`
 * removes the key the base set. `extends` is a path relative to the file that says it; chains are
 * followed, cycles refused.
 */

/** Reads a base file's text; undefined when it cannot be read (the caller reports why). */
export type ReadText = (path: string) => { ok: true; text: string } | { ok: false; reason: string };

/** One parsed file in an `extends` chain. */
interface Layer {
  file: string;
  data: Record<string, unknown>;
  locate: Locate;
}

/** A run a file expands to: its data, where each field came from, and the matrix values that made it. */
export interface ComposedRun {
  /** Stable name: the scenario's name, plus `--<axis>-<value>` per matrix axis. */
  name: string;
  data: Record<string, unknown>;
  locate: Locate;
  /** Matrix axis → value, in axis order (empty without a matrix). */
  params: Record<string, unknown>;
}

export type Composed = { ok: true; runs: ComposedRun[] } | { ok: false; errors: ScenarioError[] };

/** How deep an `extends` chain may go: far more than anyone writes; a guard against runaway chains. */
export const EXTENDS_DEPTH_MAX = 16;
/** Runs one matrix may expand to: a guard against a typo multiplying into millions. */
export const MATRIX_RUNS_MAX = 1000;

/** Parses `text` (from `file`), follows `extends` through `read`, and expands `matrix`. Never throws for a user's mistake. */
export function compose(text: string, file: string, read: ReadText | undefined): Composed {
  const layers: Layer[] = [];
  const errors: ScenarioError[] = [];
  let current: { text: string; file: string } | undefined = { text, file };
  while (current !== undefined) {
    const parsed = parseLayer(current.text, current.file);
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const layer = parsed.layer;
    layers.push(layer);
    const ext = layer.data['extends'];
    current = undefined;
    if (ext === undefined) break;
    const at = (fields: Omit<ScenarioError, 'code' | 'file' | 'line' | 'column' | 'path'>): ScenarioError => ({ code: CODES.extends, file: layer.file, ...layer.locate(['extends']), path: 'extends', ...fields });
    if (typeof ext !== 'string' || !/\.(ya?ml|json)$/.test(ext)) {
      errors.push(at({ message: 'extends names the base scenario file', expected: 'a relative path to a .yaml, .yml or .json file, e.g. "./base.yaml"', found: typeof ext === 'string' ? JSON.stringify(ext) : typeof ext }));
      break;
    }
    if (read === undefined) {
      errors.push(at({ message: 'extends needs files to read from', hint: 'load the scenario from a file (loadScenarioFile / venuechaos run), not from text' }));
      break;
    }
    const target = isAbsolute(ext) ? ext : join(dirname(layer.file), ext);
    const chain = layers.map((l) => resolve(l.file));
    const cycle = chain.indexOf(resolve(target));
    if (cycle >= 0) {
      const names = [...layers.slice(cycle).map((l) => l.file), target].map((f) => relativeName(f));
      errors.push(at({ message: `extends cycle: ${names.join(' → ')}`, found: JSON.stringify(ext), hint: 'a base must not extend (directly or through others) a file that extends it; remove one extends' }));
      break;
    }
    if (layers.length > EXTENDS_DEPTH_MAX) {
      errors.push(at({ message: `extends chain longer than ${EXTENDS_DEPTH_MAX} files`, hint: 'flatten the chain' }));
      break;
    }
    const got = read(target);
    if (!got.ok) {
      errors.push(at({ message: `cannot read the base file ${relativeName(target)}: ${got.reason}`, found: JSON.stringify(ext), hint: 'extends is relative to the file that says it' }));
      break;
    }
    current = { text: got.text, file: target };
  }
  if (errors.length > 0) return { ok: false, errors };

  // Base first, this file last: each layer merges over the ones below it.
  let merged: Record<string, unknown> = {};
  for (const layer of [...layers].reverse()) merged = mergeDeep(merged, layer.data) as Record<string, unknown>;
  delete merged['extends'];
  const locateMerged = layeredLocator(layers);
  return expandMatrix(merged, layers, locateMerged);
}

// ── One file ────────────────────────────────────────────────────────────────────────────────

function parseLayer(text: string, file: string): { ok: true; layer: Layer } | { ok: false; errors: ScenarioError[] } {
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
  if (typeof data !== 'object' || Array.isArray(data)) {
    const pos = createLocator(doc as Document, lineCounter)([]);
    return { ok: false, errors: [{ code: CODES.type, file, ...pos, path: '', message: `a scenario is a mapping of fields, found ${Array.isArray(data) ? 'a list' : typeof data}`, expected: 'a mapping', found: Array.isArray(data) ? 'a list' : JSON.stringify(data), hint: 'a scenario has name:, seed:, durationSec:, market:, venues:, limits: …; start from scenarios/default.yaml' }] };
  }
  const locate = createLocator(doc as Document, lineCounter);
  return { ok: true, layer: { file, data: data as Record<string, unknown>, locate: (path, options) => ({ ...locate(path, options), file }) } };
}

function yamlError(e: YAMLError, file: string): ScenarioError {
  const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
  // With prettyErrors, yaml appends " at line L, column C:" and a code frame; we print our own position.
  const first = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
  return { code: CODES.yaml, file, line: pos.line, column: pos.col, path: '', message: `not valid YAML: ${first}`, hint: 'check indentation, brackets, quotes and ":" near this position' };
}

// ── Merging ─────────────────────────────────────────────────────────────────────────────────

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `over` merged onto `under`: mappings key by key, everything else replaced, `null` removes. */
export function mergeDeep(under: unknown, over: unknown): unknown {
  if (!isMapping(under) || !isMapping(over)) return over;
  const out: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else out[key] = key in under ? mergeDeep(under[key], value) : value;
  }
  return out;
}

/**
 * Where a merged field was written: the first layer (this file, then its bases) that has a value
 * at the path; for a missing key, the nearest ancestor some layer writes.
 */
function layeredLocator(layers: readonly Layer[]): Locate {
  return (path, options) => {
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      const layer = layers.find((l) => valueAt(l.data, prefix) !== undefined && valueAt(l.data, prefix) !== null);
      if (layer !== undefined) return layer.locate(path, options);
    }
    return layers[0]!.locate(path, options);
  };
}

function relativeName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

// ── Matrix ──────────────────────────────────────────────────────────────────────────────────

/** An axis path as written: `seed`, `faults[0].durationSec`, `venues[1].latencyMs`. */
const AXIS_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:\[\d+\]|\.[A-Za-z][A-Za-z0-9]*)*$/;

export function parseAxisPath(axis: string): Path | undefined {
  if (!AXIS_PATTERN.test(axis)) return undefined;
  const out: Array<string | number> = [];
  for (const m of axis.matchAll(/([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]/g)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

function expandMatrix(merged: Record<string, unknown>, layers: readonly Layer[], locateMerged: Locate): Composed {
  const matrix = merged['matrix'];
  delete merged['matrix'];
  const baseName = typeof merged['name'] === 'string' ? merged['name'] : 'scenario';
  if (matrix === undefined) return { ok: true, runs: [{ name: baseName, data: merged, locate: locateMerged, params: {} }] };

  const errors: ScenarioError[] = [];
  const at = (path: Path, fields: Omit<ScenarioError, 'code' | 'file' | 'line' | 'column' | 'path'>, key = false): ScenarioError => ({ code: CODES.matrix, file: layers[0]!.file, ...locateMerged(path, { key }), path: formatPath(path), ...fields });
  if (!isMapping(matrix) || Object.keys(matrix).length === 0) {
    return { ok: false, errors: [at(['matrix'], { message: 'matrix lists the values to run with, per field', expected: 'a mapping of field path → list of values, e.g. { seed: [1, 2, 3], "faults[0].durationSec": [1m, 5m] }', found: Array.isArray(matrix) ? 'a list' : typeof matrix })] };
  }
  const axes: Array<{ key: string; path: Path; values: unknown[] }> = [];
  for (const [key, values] of Object.entries(matrix)) {
    const path = parseAxisPath(key);
    if (path === undefined) {
      errors.push(at(['matrix', key], { message: `matrix axis "${key}" is not a field path`, expected: 'a field path like seed, durationSec, faults[0].durationSec, venues[1].latencyMs', found: JSON.stringify(key) }, true));
      continue;
    }
    if (path[0] === 'matrix' || path[0] === 'extends' || path[0] === 'name') {
      errors.push(at(['matrix', key], { message: `matrix cannot vary ${String(path[0])}`, found: JSON.stringify(key), hint: path[0] === 'name' ? 'each run is named after the scenario and its matrix values' : 'remove this axis' }, true));
      continue;
    }
    // The matrix replaces values the scenario writes; the first segment that does not exist is the mistake.
    const missingAt = path.findIndex((_, i) => valueAt(merged, path.slice(0, i + 1)) === undefined);
    if (missingAt >= 0) {
      const parentPath = path.slice(0, missingAt);
      const parent = valueAt(merged, parentPath);
      const segment = path[missingAt]!;
      const keys = isMapping(parent) ? Object.keys(parent) : [];
      const suggestion = typeof segment === 'string' ? closest(segment, keys) : undefined;
      const where = formatPath(parentPath) || 'the top level';
      errors.push(
        at(
          ['matrix', key],
          {
            message: `matrix axis "${key}" names a field the scenario does not write`,
            expected: typeof segment === 'number' ? (Array.isArray(parent) ? `an index below ${parent.length} in ${where}` : `${where} to be a list`) : keys.length > 0 ? `one of ${keys.join(' | ')} under ${where}` : `a field under ${where}`,
            found: JSON.stringify(key),
            hint: suggestion !== undefined ? `did you mean "${formatPath([...parentPath, suggestion, ...path.slice(missingAt + 1)])}"?` : 'write the field in the scenario first; the matrix replaces its value per run',
          },
          true,
        ),
      );
      continue;
    }
    if (!Array.isArray(values) || values.length === 0) {
      errors.push(at(['matrix', key], { message: `matrix axis "${key}" needs a list of values`, expected: 'a non-empty list, e.g. [1, 2, 3]', found: Array.isArray(values) ? 'an empty list' : JSON.stringify(values) }));
      continue;
    }
    axes.push({ key, path, values });
  }
  for (const a of axes) {
    const clash = axes.find((b) => b !== a && b.key < a.key && (startsWith(a.path, b.path) || startsWith(b.path, a.path)));
    if (clash !== undefined) errors.push(at(['matrix', a.key], { message: `matrix axes "${clash.key}" and "${a.key}" set the same field`, hint: 'keep one of them' }, true));
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MATRIX_RUNS_MAX) errors.push(at(['matrix'], { message: `matrix expands to ${total} runs`, expected: `at most ${MATRIX_RUNS_MAX}`, hint: 'split it into several files or drop an axis' }, true));
  if (errors.length > 0) return { ok: false, errors };

  const runs: ComposedRun[] = [];
  const names = new Set<string>();
  for (let index = 0; index < total; index++) {
    // The first axis varies slowest, as in a nested loop written in file order.
    let rest = index;
    const picks = axes.map((_, i) => {
      const size = axes.slice(i + 1).reduce((n, a) => n * a.values.length, 1);
      const k = Math.floor(rest / size);
      rest %= size;
      return k;
    });
    const data = structuredClone(merged);
    const params: Record<string, unknown> = {};
    axes.forEach((a, i) => {
      const value = a.values[picks[i]!];
      params[a.key] = value;
      setAt(data, a.path, value);
    });
    let name = [baseName, ...axes.map((a, i) => `${slug(a.key)}-${slug(valueLabel(a.values[picks[i]!], picks[i]!))}`)].join('--');
    if (names.has(name)) name = `${name}--${index + 1}`;
    names.add(name);
    if (typeof data['name'] === 'string') data['name'] = name;
    const locate: Locate = (path, options) => {
      for (let i = 0; i < axes.length; i++) {
        const a = axes[i]!;
        if (startsWith(path, a.path)) return locateMerged(['matrix', a.key, picks[i]!, ...path.slice(a.path.length)], options);
      }
      return locateMerged(path, options);
    };
    runs.push({ name, data, locate, params });
  }
  return { ok: true, runs };
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => String(p) === String(path[i]));
}

function setAt(data: Record<string, unknown>, path: Path, value: unknown): void {
  const parent = valueAt(data, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = structuredClone(value);
}

function valueLabel(value: unknown, k: number): string {
  if (typeof value === 'number') return String(value).replace(/^-/, 'minus-');
  return typeof value === 'string' || typeof value === 'boolean' ? String(value) : `v${k + 1}`;
}

/** Lower-case letters, digits and single dashes: safe in a scenario name and a directory name. */
function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** Position type re-exported for callers that build locators. */
export type { Position };
