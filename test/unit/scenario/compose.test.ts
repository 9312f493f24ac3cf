import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatScenarioErrors, loadScenarioFile, loadScenarioSet, parseScenario, parseScenarioSet, type ScenarioError } from '../../../src/scenario/index.ts';
import { EXAMPLE_YAML, positionOf, replaceOnce } from './fixtures.ts';

/**
 * Reuse in scenario files: `extends` (a base merged under the file) and `matrix` (one file, many
 * runs). Real files in a temporary directory; errors must point into the file that wrote the
 * mistake — the base, the child, or the matrix value.
 */

const dir = mkdtempSync(join(tmpdir(), 'vc-compose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

async function errorsOf(path: string): Promise<ScenarioError[]> {
  const result = await loadScenarioSet(path);
  if (result.ok) throw new Error('expected errors, the scenario loaded');
  return result.errors;
}

describe('extends', () => {
  const base = write('bases/two-venues.yaml', EXAMPLE_YAML);

  test('mappings merge key by key, lists replace, null removes', async () => {
    const child = write(
      'child.yaml',
      `extends: ./bases/two-venues.yaml
name: primary-outage-long
limits: { netBaseMax: 1 }
faults:
  - { venue: primary, kind: outage, atSec: 10m, durationSec: 30m }
market: { volatilityAnnual: null }
`,
    );
    const loaded = await loadScenarioFile(child);
    if (!loaded.ok) throw new Error(formatScenarioErrors(loaded.errors));
    const s = loaded.scenario;
    expect(s.name).toBe('primary-outage-long');
    // limits merged: netBaseMax from the child, hedgeWithinSec from the base.
    expect(s.limits).toMatchObject({ netBaseMax: 1, hedgeWithinSec: 30 });
    // faults replaced as a whole: one fault, the child's.
    expect(s.faults).toEqual([expect.objectContaining({ venue: 'primary', kind: 'outage', atSec: 600, durationSec: 1800 })]);
    // volatilityAnnual removed: the schema default (0.5) instead of the base's 0.8.
    expect(s.market).toMatchObject({ priceStart: 60000, volatilityAnnual: 0.5 });
    // Untouched fields come from the base.
    expect(s.venues.map((v) => v.id)).toEqual(['primary', 'backup']);
    expect(s.seed).toBe(42);
    expect('extends' in s && s.extends !== undefined).toBe(false);
  });

  test("a mistake in the base is reported in the base's file, one in the child in the child's", async () => {
    const brokenBase = write('bases/broken.yaml', replaceOnce(EXAMPLE_YAML, 'kind: rateLimit', 'kind: ratelimit'));
    const child = write('child-of-broken.yaml', `extends: bases/broken.yaml\nname: x\nseed: minus-one\n`);
    const errors = await errorsOf(child);
    expect(errors.map((e) => [e.file, e.path])).toEqual([
      [child, 'seed'],
      [brokenBase, 'faults[1].kind'],
    ]);
    expect(errors[0]).toMatchObject({ line: 3, column: 7 });
    expect(errors[1]).toMatchObject(positionOf(EXAMPLE_YAML, 'rateLimit'));
  });

  test('a cycle is refused at the extends that closes it, naming the chain', async () => {
    const a = write('cycle-a.yaml', 'extends: ./cycle-b.yaml\nname: a\n');
    write('cycle-b.yaml', 'extends: cycle-a.yaml\nseed: 1\n');
    const errors = await errorsOf(a);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'VC_SCENARIO_EXTENDS', file: join(dir, 'cycle-b.yaml'), path: 'extends', line: 1, column: 10 });
    expect(errors[0]!.message).toMatch(/extends cycle: .*cycle-a\.yaml → .*cycle-b\.yaml → .*cycle-a\.yaml/);
  });

  test('a file that extends itself is a cycle too', async () => {
    const self = write('self.yaml', 'extends: ./self.yaml\n');
    expect((await errorsOf(self))[0]?.message).toMatch(/^extends cycle/);
  });

  test('a missing base, or one that is not a scenario file, is an error at extends', async () => {
    const missing = write('missing.yaml', `name: x\nextends: ./bases/nope.yaml\n`);
    expect(await errorsOf(missing)).toEqual([expect.objectContaining({ code: 'VC_SCENARIO_EXTENDS', file: missing, line: 2, column: 10, message: expect.stringContaining('no such file') })]);
    const notYaml = write('not-yaml.yaml', `extends: ./bases/two-venues.txt\n`);
    expect((await errorsOf(notYaml))[0]).toMatchObject({ code: 'VC_SCENARIO_EXTENDS', expected: expect.stringContaining('.yaml') });
  });

  test('text without a file cannot extend: the error says to load from a file', () => {
    const result = parseScenario(`extends: ${base}\n`, 'inline.yaml');
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'VC_SCENARIO_EXTENDS', hint: expect.stringContaining('from a file') }] });
  });
});

describe('matrix', () => {
  const MATRIX = `${EXAMPLE_YAML}matrix:
  seed: [1, 2, 3]
  faults[0].durationSec: [1m, 5m]
`;

  test('expands to one run per combination, first axis slowest, with stable names', () => {
    const result = parseScenarioSet(MATRIX, 'm.yaml');
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors));
    expect(result.runs.map((r) => r.name)).toEqual([
      'primary-outage--seed-1--faults-0-durationsec-1m',
      'primary-outage--seed-1--faults-0-durationsec-5m',
      'primary-outage--seed-2--faults-0-durationsec-1m',
      'primary-outage--seed-2--faults-0-durationsec-5m',
      'primary-outage--seed-3--faults-0-durationsec-1m',
      'primary-outage--seed-3--faults-0-durationsec-5m',
    ]);
    const last = result.runs[5]!;
    expect(last.params).toEqual({ seed: 3, 'faults[0].durationSec': '5m' });
    expect(last.scenario).toMatchObject({ name: last.name, seed: 3 });
    expect(last.scenario.faults[0]).toMatchObject({ atSec: 600, durationSec: 300 });
    // The rest of the file is untouched.
    expect(last.scenario.faults[1]).toMatchObject({ venue: 'backup', durationSec: 120 });
    // Same text, same names, same order.
    expect(parseScenarioSet(MATRIX, 'm.yaml')).toEqual(result);
  });

  test('a value that breaks one run is reported at the matrix value, naming the runs it breaks', () => {
    // 600 + 3000 = 3600 ends exactly at the end of the run: fine.
    expect(parseScenarioSet(replaceOnce(MATRIX, '[1m, 5m]', '[1m, 3000s]'), 'm.yaml').ok).toBe(true);
    const breaking = replaceOnce(MATRIX, '[1m, 5m]', '[1m, 3001s]');
    const broken = parseScenarioSet(breaking, 'm.yaml');
    const e = broken.ok ? undefined : broken.errors[0];
    expect(broken.ok ? [] : broken.errors).toHaveLength(1);
    expect(e).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'faults[0].durationSec', found: '600 + 3001 = 3601', ...positionOf(breaking, '3001s') });
    expect(e?.runs).toEqual(['primary-outage--seed-1--faults-0-durationsec-3001s', 'primary-outage--seed-2--faults-0-durationsec-3001s', 'primary-outage--seed-3--faults-0-durationsec-3001s']);
    expect(formatScenarioErrors([e!])).toContain('in runs:  primary-outage--seed-1--faults-0-durationsec-3001s');
  });

  test('an axis that is not a field of the scenario is refused with a suggestion', () => {
    const text = `${EXAMPLE_YAML}matrix:\n  faults[0].durationsec: [1m]\n  faults[7].atSec: [1m]\n  seed: []\n`;
    const result = parseScenarioSet(text, 'm.yaml');
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => [e.code, e.path, e.hint ?? e.expected])).toEqual([
      ['VC_SCENARIO_MATRIX', 'matrix.faults[0].durationsec', 'did you mean "faults[0].durationSec"?'],
      ['VC_SCENARIO_MATRIX', 'matrix.faults[7].atSec', 'write the field in the scenario first; the matrix replaces its value per run'],
      ['VC_SCENARIO_MATRIX', 'matrix.seed', 'a non-empty list, e.g. [1, 2, 3]'],
    ]);
    expect(errors[0]).toMatchObject(positionOf(text, 'faults[0].durationsec'));
    expect(errors[1]?.expected).toBe('an index below 2 in faults');
  });

  test('loading a matrix file as one scenario says it is a matrix and how to run it', () => {
    expect(parseScenario(MATRIX, 'm.yaml')).toMatchObject({ ok: false, errors: [{ code: 'VC_SCENARIO_MATRIX', message: 'this file is a matrix of 6 runs, not one scenario' }] });
  });

  test('a matrix in a base applies to the file that extends it, over the merged document', async () => {
    write('bases/seeded.yaml', `${EXAMPLE_YAML}matrix:\n  seed: [7, 8]\n`);
    const child = write('seeded-child.yaml', 'extends: ./bases/seeded.yaml\nname: seeded\nlimits: { netBaseMax: 2 }\n');
    const result = await loadScenarioSet(child);
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors));
    expect(result.runs.map((r) => [r.name, r.scenario.seed, r.scenario.limits.netBaseMax])).toEqual([
      ['seeded--seed-7', 7, 2],
      ['seeded--seed-8', 8, 2],
    ]);
  });
});
