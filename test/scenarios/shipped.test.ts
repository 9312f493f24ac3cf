import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { meetsExpectation } from '../../src/report/write.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';

const dir = 'scenarios';
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

async function load(file: string) {
  const loaded = await loadScenarioFile(join(dir, file));
  if (!loaded.ok) throw new Error(`${file} does not load: ${JSON.stringify(loaded.errors)}`);
  return loaded.scenario;
}

describe('shipped scenarios', () => {
  test('there are at least three, including the default', () => {
    expect(files).toContain('default.yaml');
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  test.each(files)('%s meets its expected outcome with the reference engine, its faults fired, and it replays byte for byte', async (file) => {
    const scenario = await load(file);
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
