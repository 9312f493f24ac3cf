import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { meetsExpectation } from '../../src/report/write.ts';
import { DIALECT_NAMES, DIALECT_SYMBOLS, loadScenarioSet, type Scenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';
import { marketsOf } from '../../src/scenario/markets.ts';

/**
 * Redundancy logic must not depend on which exchange is where: every shipped scenario, with
 * every venue switched to each dialect that lists its symbol, meets the same expectation with
 * the reference engine, and its faults still fire (each dialect renders them in its own words).
 * A dialect added to the scenario schema is covered with no new test code.
 */

const dir = 'scenarios';
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

/** A file's first run (a matrix file's other runs vary seeds and lengths; shipped.test.ts runs them all). */
async function load(file: string): Promise<Scenario> {
  const loaded = await loadScenarioSet(join(dir, file));
  if (!loaded.ok) throw new Error(`${file} does not load`);
  return loaded.runs[0]!.scenario;
}

const scenarios = await Promise.all(files.map(async (file) => [file, await load(file)] as const));
// A dialect runs a scenario when it lists the scenario's market (spot dialects do not list perps).
// Scenarios that mix instruments (a spot holding beside perps) are about that mix: they run as written.
const cases = DIALECT_NAMES.flatMap((dialect) =>
  scenarios
    .filter(([, s]) => s.venues.every((v) => v.symbol === undefined) && (DIALECT_SYMBOLS[dialect] as readonly string[]).includes(marketsOf(s.market)[0]!.symbol))
    .map(([file]) => [file, dialect] as const),
);

describe('every shipped scenario on every dialect', () => {
  test.each(cases)('%s with every venue on %s', async (file, dialect) => {
    const original = await load(file);
    const scenario: Scenario = { ...original, venues: original.venues.map((v) => ({ ...v, dialect })) };
    const result = await runScenario(scenario);
    const failed = result.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.firstViolation?.message}`);
    expect({ meets: meetsExpectation(result), failed: scenario.expect.outcome === 'passed' ? failed : [] }).toEqual({ meets: true, failed: [] });
    for (const kind of new Set(scenario.faults.map((f) => f.kind))) {
      expect(result.faultsInjected[kind] ?? 0, `${kind} fault never hit a request`).toBeGreaterThan(0);
    }
  });
});
