import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { meetsExpectation } from '../../src/report/write.ts';
import { loadScenarioSet, type Scenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';

const dir = 'scenarios';
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

/** Every run of a shipped file (a file with a matrix expands to several). */
async function loadRuns(file: string): Promise<Scenario[]> {
  const loaded = await loadScenarioSet(join(dir, file));
  if (!loaded.ok) throw new Error(`${file} does not load: ${JSON.stringify(loaded.errors)}`);
  return loaded.runs.map((r) => r.scenario);
}
const cases = (await Promise.all(files.map(async (file) => (await loadRuns(file)).map((s) => [file, s.name, s] as const)))).flat();

async function load(file: string): Promise<Scenario> {
  const [first] = await loadRuns(file);
  return first!;
}

describe('shipped scenarios', () => {
  test('there are at least three, including the default', () => {
    expect(files).toContain('default.yaml');
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  test('a base under scenarios/bases is not a scenario on its own, and the files that extend it load', () => {
    expect(readdirSync(join(dir, 'bases')).length).toBeGreaterThan(0);
    expect(cases.some(([file, name]) => file === 'outage-length-sweep.yaml' && name === 'outage-length-sweep--seed-2--faults-0-durationsec-20m')).toBe(true);
  });

  test.each(cases)('%s (%s) meets its expected outcome with the reference engine, its faults fired, and it replays byte for byte', async (_file, _name, scenario) => {
    const result = await runScenario(scenario);
    const failed = result.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.firstViolation?.message}`);
    expect({ outcome: result.outcome, meets: meetsExpectation(result), failed }).toEqual({
      outcome: scenario.expect.outcome,
      meets: true,
      failed: scenario.expect.outcome === 'passed' ? [] : failed,
    });
    for (const kind of new Set(scenario.faults.map((f) => f.kind))) {
      expect(result.faultsInjected[kind] ?? 0, `${kind} fault never hit a request`).toBeGreaterThan(0);
    }
    expect(result.simulatedMs).toBe(scenario.durationSec * 1000);
    // And it replays: a second run in the same process gives the same trace.
    expect((await runScenario(scenario)).traceHash).toBe(result.traceHash);
  });
});

describe('determinism', () => {
  test('the same scenario and seed give the same trace hash; another seed gives another', async () => {
    const scenario = await load('default.yaml');
    const a = await runScenario(scenario);
    const b = await runScenario(scenario);
    const c = await runScenario(scenario, { seed: scenario.seed + 1 });
    expect(a.trace.toNdjson()).toBe(b.trace.toNdjson());
    expect(a.traceHash).toBe(b.traceHash);
    expect(c.traceHash).not.toBe(a.traceHash);
  });
});
