import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { scenarioArbitrary } from '../../../src/scenario/arbitrary.ts';
import { parseScenario, scenarioSchema, type ScenarioError, type ScenarioInput, type ScenarioResult } from '../../../src/scenario/index.ts';

/**
 * Random valid scenarios survive YAML and JSON unchanged; random corruptions of them always come
 * back as errors with a position, never as a throw or a silent pass.
 */

const RUNS = { numRuns: 200 };

function expectWellFormedErrors(result: ScenarioResult): ScenarioError[] {
  expect(result.ok).toBe(false);
  const errors = result.ok ? [] : result.errors;
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.code).toMatch(/^VC_SCENARIO_[A-Z_]+$/);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.file).toBe('corrupt.yaml');
  }
  return errors;
}

type Json = Record<string, unknown>;
type Corruption = (doc: Json) => void;

const clone = (input: ScenarioInput): Json => structuredClone(input) as Json;

function get(doc: Json, path: ReadonlyArray<string | number>): unknown {
  return path.reduce<unknown>((cur, p) => (cur as Record<string | number, unknown> | undefined)?.[p], doc);
}

function set(doc: Json, path: ReadonlyArray<string | number>, value: unknown): void {
  const parent = get(doc, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
}

function remove(doc: Json, path: ReadonlyArray<string | number>): void {
  const parent = get(doc, path.slice(0, -1)) as Record<string | number, unknown>;
  delete parent[path[path.length - 1]!];
}

/** A path written for one market (`market.priceStart`), on this document: `market[0].priceStart` when it lists several. */
function inDoc(doc: Json, path: Array<string | number>): Array<string | number> {
  return path[0] === 'market' && path.length > 1 && Array.isArray(doc['market']) ? ['market', 0, ...path.slice(1)] : path;
}

/** Paths of required keys present in every valid input (faults/inventory entries when there are some). */
function requiredPaths(doc: Json): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [['name'], ['seed'], ['durationSec'], ['market'], inDoc(doc, ['market', 'priceStart']), ['venues'], ['venues', 0, 'id'], ['venues', 0, 'dialect'], ['limits'], ['limits', 'netBaseMax'], ['limits', 'hedgeWithinSec']];
  // With several markets, every coin after the first has its own limits.
  if (Array.isArray(doc['market']) && doc['market'].length > 1) paths.push(['limits', 'assets']);
  const faults = (doc['faults'] as unknown[] | undefined) ?? [];
  faults.forEach((_, i) => paths.push(['faults', i, 'venue'], ['faults', i, 'kind'], ['faults', i, 'atSec'], ['faults', i, 'durationSec']));
  const inventory = (doc['inventory'] as unknown[] | undefined) ?? [];
  inventory.forEach((entry, i) => {
    paths.push(['inventory', i, 'atSec']);
    if ((entry as Json)['flow'] === undefined) paths.push(['inventory', i, 'base']);
    else paths.push(['inventory', i, 'flow'], ['inventory', i, 'flow', 'durationSec'], ['inventory', i, 'flow', 'ratePerHour'], ['inventory', i, 'flow', 'baseMax']);
  });
  if (doc['phases'] !== undefined) paths.push(['phases', 'chaosUntilSec'], ['phases', 'convergeWithinSec']);
  return paths;
}

/** A path and a value of the wrong type for it. */
const WRONG_TYPES: ReadonlyArray<[Array<string | number>, unknown]> = [
  [['name'], 42],
  [['seed'], 'forty-two'],
  [['seed'], 1.5],
  [['durationSec'], true],
  [['durationSec'], [60]],
  [['market'], 'BTC'],
  [['market', 'priceStart'], '60000'],
  [['market', 'gaps'], 'sometimes'],
  [['market', 'gaps'], [{ atSec: 0 }]],
  [['venues'], { id: 'a' }],
  [['venues', 0], 'primary'],
  [['venues', 0, 'dialect'], 7],
  [['limits'], null],
  [['limits', 'netBaseMax'], { max: 1 }],
  [['limits', 'hedgeWithinSec'], false],
  [['limits', 'grossBaseMaxPerVenue'], '2 BTC'],
  [['limits', 'marginUsePctMax'], [50]],
  [['venues', 0, 'basisBps'], '5bps'],
  [['venues', 0, 'spreadBps'], null],
  [['venues', 0, 'rateLimitTierPct'], { pct: 200 }],
  [['phases'], 'chaos then recovery'],
  [['inventory'], { atSec: 0, base: 1 }],
];

const BAD_DURATIONS = ['10y', '5 min', '1m1h', '-3s', 'soon', '30', '1h30', 'ms'];

function corruptionArbitrary(doc: Json): fc.Arbitrary<{ label: string; apply: Corruption }> {
  const required = requiredPaths(doc);
  const durationPaths: Array<Array<string | number>> = [
    ['durationSec'],
    ['limits', 'hedgeWithinSec'],
    ...required.filter((p) => (p[0] === 'faults' || p[0] === 'inventory' || p[0] === 'phases') && /Sec$/.test(String(p[p.length - 1]))),
  ];
  return fc.oneof(
    fc.constantFrom(...required).map((path) => ({ label: `delete ${path.join('.')}`, apply: (d: Json) => remove(d, path) })),
    fc.constantFrom(...WRONG_TYPES).map(([written, value]) => {
      const path = inDoc(doc, written);
      return { label: `set ${path.join('.')} to ${JSON.stringify(value)}`, apply: (d: Json) => set(d, path, value) };
    }),
    // A coin no market prices: on an inventory entry, or as a coin's limits.
    ...(((doc['inventory'] as unknown[] | undefined) ?? []).length > 0 ? [fc.constant({ label: 'set inventory[0].asset to "SOL"', apply: (d: Json) => set(d, ['inventory', 0, 'asset'], 'SOL') })] : []),
    fc.constant({ label: 'add limits.assets.SOL', apply: (d: Json) => set(d, ['limits', 'assets'], { ...((d['limits'] as Json)['assets'] as Json | undefined), SOL: { netBaseMax: 1 } }) }),
    fc.tuple(fc.constantFrom(...durationPaths), fc.constantFrom(...BAD_DURATIONS)).map(([path, value]) => ({ label: `set ${path.join('.')} to "${value}"`, apply: (d: Json) => set(d, path, value) })),
    fc.constantFrom('colour', 'durationMs', 'Seed').map((key) => ({ label: `add unknown key ${key}`, apply: (d: Json) => set(d, [key], 1) })),
  );
}

describe('scenario properties', () => {
  test.prop([scenarioArbitrary()], RUNS)('a random valid scenario loads from YAML to the same value the schema gives', (input) => {
    const result = parseScenario(stringify(input), 'random.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
    expect(result.scenario).toEqual(scenarioSchema.parse(input));
  });

  test.prop([scenarioArbitrary()], RUNS)('a loaded scenario written back as YAML or JSON loads to the same value', (input) => {
    const first = parseScenario(stringify(input), 'random.yaml');
    if (!first.ok) throw new Error(JSON.stringify(first.errors, null, 2));
    expect(parseScenario(stringify(first.scenario), 'again.yaml')).toEqual(first);
    expect(parseScenario(JSON.stringify(first.scenario, null, 2), 'again.json')).toEqual(first);
  });

  test.prop([scenarioArbitrary().chain((input) => fc.tuple(fc.constant(input), corruptionArbitrary(clone(input))))], RUNS)(
    'a corrupted scenario (missing key, wrong type, bad duration, unknown key) gives errors with positions',
    ([input, corruption]) => {
      const doc = clone(input);
      corruption.apply(doc);
      expectWellFormedErrors(parseScenario(stringify(doc), 'corrupt.yaml'));
    },
  );

  test.prop([scenarioArbitrary().chain((input) => fc.tuple(fc.constant(JSON.stringify(input, null, 1)), fc.double({ min: 0, max: 1, noNaN: true })))], RUNS)(
    'a truncated file gives errors with positions and never throws',
    ([json, fraction]) => {
      // JSON is YAML: cutting it anywhere before the final brace leaves an unclosed flow mapping.
      const cut = 1 + Math.floor(fraction * (json.length - 2));
      const errors = expectWellFormedErrors(parseScenario(json.slice(0, cut), 'corrupt.yaml'));
      expect(errors.map((e) => e.code)).toContain('VC_SCENARIO_YAML');
    },
  );

  test.prop([fc.string({ maxLength: 200 })], RUNS)('arbitrary text never makes parseScenario throw', (text) => {
    const result = parseScenario(text, 'corrupt.yaml');
    if (!result.ok) expectWellFormedErrors(result);
  });
});
