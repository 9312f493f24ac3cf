import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { closest, type ScenarioError } from './errors.ts';
import { allowedKeys, DIALECT_SYMBOLS, FAULT_KINDS, scenarioSchema, type Scenario } from './schema.ts';

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

type Path = ReadonlyArray<string | number>;

/**
 * Parses scenario text (YAML, or JSON — JSON is YAML). Never throws for a user's mistake: every
 * problem comes back at once, each with file, line, column, path, expected vs found and a hint.
 */
export function parseScenario(text: string, file: string): ScenarioResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return {
          code: 'VC_SCENARIO_YAML',
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `not valid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
          hint: 'check indentation, brackets and quotes near this position',
        };
      }),
    };
  }
  const locate = (path: Path, key = false): { line: number; column: number } => position(doc, lineCounter, path, key);
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, errors: [{ code: 'VC_SCENARIO_TYPE', file, line: 1, column: 1, path: '', message: 'a scenario is a mapping of fields', expected: 'a mapping (name:, seed:, venues: …)', found: describe(data) }] };
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.flatMap((issue) => fromIssue(issue, data, file, locate)) };
  }
  const crossErrors = crossCheck(parsed.data, file, locate);
  if (crossErrors.length > 0) return { ok: false, errors: crossErrors };
  return { ok: true, scenario: parsed.data };
}

/** Reads and parses a scenario file. A missing or unreadable file is an error result, not a throw. */
export async function loadScenarioFile(path: string): Promise<ScenarioResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      errors: [
        {
          code: 'VC_SCENARIO_FILE',
          file: path,
          line: 0,
          column: 0,
          path: '',
          message: code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(error)})`,
          hint: 'check the path; shipped scenarios are in scenarios/',
        },
      ],
    };
  }
  return parseScenario(text, path);
}

function fromIssue(issue: z.core.$ZodIssue, data: unknown, file: string, locate: (path: Path, key?: boolean) => { line: number; column: number }): ScenarioError[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const found = valueAt(data, path);
  const params = (issue as { params?: { expected?: string; found?: string } }).params;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      const suggestion = closest(key, allowedKeys(path));
      return {
        code: 'VC_SCENARIO_UNKNOWN_KEY',
        file,
        ...locate(keyPath, true),
        path: formatPath(keyPath),
        message: `unknown field "${key}"`,
        expected: `one of ${allowedKeys(path).join(', ')}`,
        found: JSON.stringify(key),
        ...(suggestion !== undefined ? { hint: `did you mean "${suggestion}"?` } : { hint: 'remove it, or check docs for the fields this section takes' }),
      };
    });
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    // zod puts the discriminator in the path already in some versions; never twice.
    const keyPath = path.at(-1) === issue.discriminator ? path : [...path, issue.discriminator];
    const value = valueAt(data, keyPath);
    const suggestion = typeof value === 'string' ? closest(value, [...FAULT_KINDS]) : undefined;
    return [
      {
        code: value === undefined ? 'VC_SCENARIO_MISSING' : 'VC_SCENARIO_VALUE',
        file,
        ...locate(value === undefined ? keyPath.slice(0, -1) : keyPath),
        path: formatPath(keyPath),
        message: value === undefined ? 'fault has no kind' : 'unknown fault kind',
        expected: `one of ${FAULT_KINDS.join(' | ')}`,
        found: value === undefined ? 'nothing' : JSON.stringify(value),
        ...(suggestion !== undefined ? { hint: `did you mean "${suggestion}"?` } : {}),
      },
    ];
  }
  const missing = found === undefined && issue.code === 'invalid_type';
  const base = {
    file,
    ...locate(path),
    path: formatPath(path),
  };
  if (missing) {
    return [{ code: 'VC_SCENARIO_MISSING', ...base, message: `missing required field "${String(path.at(-1))}"`, expected: issue.expected ?? 'a value', found: 'nothing', hint: `add ${String(path.at(-1))}: …` }];
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map((v) => String(v));
    const suggestion = typeof found === 'string' ? closest(found, options) : undefined;
    return [{ code: 'VC_SCENARIO_VALUE', ...base, message: issue.message, expected: `one of ${options.join(' | ')}`, found: JSON.stringify(found), ...(suggestion !== undefined ? { hint: `did you mean "${suggestion}"?` } : {}) }];
  }
  const expected = params?.expected ?? expectedOf(issue);
  return [
    {
      code: issue.code === 'invalid_type' ? 'VC_SCENARIO_TYPE' : 'VC_SCENARIO_VALUE',
      ...base,
      message: issue.message,
      ...(expected !== undefined ? { expected } : {}),
      found: params?.found ?? describe(found),
    },
  ];
}

function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_small':
      return `${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`;
    default:
      return undefined;
  }
}

function crossCheck(s: Scenario, file: string, locate: (path: Path) => { line: number; column: number }): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const ids = new Set<string>();
  s.venues.forEach((v, i) => {
    if (ids.has(v.id)) {
      errors.push({ code: 'VC_SCENARIO_DUPLICATE', file, ...locate(['venues', i, 'id']), path: `venues[${i}].id`, message: `venue id "${v.id}" is used twice`, expected: 'unique venue ids', found: JSON.stringify(v.id) });
    }
    ids.add(v.id);
    const symbols = DIALECT_SYMBOLS[v.dialect];
    if (!symbols.includes(s.market.symbol)) {
      errors.push({ code: 'VC_SCENARIO_SYMBOL', file, ...locate(['market', 'symbol']), path: 'market.symbol', message: `dialect ${v.dialect} (venue ${v.id}) does not list ${s.market.symbol}`, expected: `one of ${symbols.join(', ')}`, found: JSON.stringify(s.market.symbol) });
    }
  });
  s.faults.forEach((f, i) => {
    if (!ids.has(f.venue)) {
      const suggestion = closest(f.venue, [...ids]);
      errors.push({
        code: 'VC_SCENARIO_UNKNOWN_VENUE',
        file,
        ...locate(['faults', i, 'venue']),
        path: `faults[${i}].venue`,
        message: `fault names a venue that is not in venues`,
        expected: `one of ${[...ids].join(', ')}`,
        found: JSON.stringify(f.venue),
        hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : 'add the venue under venues:, or fix the name',
      });
    }
    if (f.atSec + f.durationSec > s.durationSec) {
      errors.push({
        code: 'VC_SCENARIO_WINDOW',
        file,
        ...locate(['faults', i, 'durationSec']),
        path: `faults[${i}]`,
        message: `fault window ends at ${f.atSec + f.durationSec} s, after the run ends (durationSec ${s.durationSec})`,
        expected: `atSec + durationSec ≤ ${s.durationSec}`,
        found: `${f.atSec} + ${f.durationSec}`,
        hint: 'shorten the fault or lengthen the run',
      });
    }
  });
  s.inventory.forEach((step, i) => {
    if (step.atSec >= s.durationSec) {
      errors.push({ code: 'VC_SCENARIO_WINDOW', file, ...locate(['inventory', i, 'atSec']), path: `inventory[${i}].atSec`, message: 'inventory step after the run ends', expected: `< ${s.durationSec}`, found: String(step.atSec) });
    }
  });
  return errors;
}

function position(doc: Document, lc: LineCounter, path: Path, key: boolean): { line: number; column: number } {
  // Walk up the path until a node with a range exists (a missing key points at its parent).
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    let offset: number | undefined;
    if (key && n === path.length && n > 0) {
      const parent = sub.length > 1 ? doc.getIn(sub.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === sub.at(-1));
        const k = pair?.key as { range?: [number, number, number] } | undefined;
        offset = k?.range?.[0];
      }
    } else {
      const node = (sub.length === 0 ? doc.contents : doc.getIn(sub, true)) as { range?: [number, number, number] } | undefined;
      offset = node?.range?.[0];
    }
    if (offset !== undefined) {
      const pos = lc.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

function valueAt(data: unknown, path: Path): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
