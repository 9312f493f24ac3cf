import { dirname } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadPolicy } from '../../src/redundancy/load-policy.ts';
import { loadScenarioFile, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';

/**
 * The naive example policies in src/redundancy/examples/ fail the scenarios they should, with
 * the invariant and the moment named — and each keeps the desk hedged when nothing goes wrong,
 * so the failure is the fault's doing, not a policy that never worked. Loaded as user modules,
 * the way `--policy` loads them.
 */

async function scenario(file: string): Promise<Scenario> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) throw new Error(`${file} does not load`);
  return loaded.scenario;
}

async function runWith(example: string, s: Scenario): Promise<RunResult> {
  const loaded = await loadPolicy(`src/redundancy/examples/${example}.ts`);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return runScenario(s, { policy: loaded.create() });
}

const violation = (result: RunResult, name: string) => result.invariants.find((i) => i.name === name)?.firstViolation;

const CASES = [
  // [example, scenario, invariant, first violation inside this window (s), what it shows]
  // Not scenarios/default.yaml: its outage hangs, so the first hedge sent into it is of unknown
  // outcome, and waiting for a lookup is what noDoubleHedge asks (exposure allows for it).
  ['no-failover', 'scenarios/cloud-region-failure.yaml', 'exposure', [600, 700], 'the region failure takes the primary down; the backup was never tried'],
  ['rehedge-on-timeout', 'scenarios/lost-acks-in-a-crash.yaml', 'exposure', [300, 600], 'a lost ack treated as "nothing executed" is a second hedge'],
  ['ignores-retry-after', 'scenarios/rate-limit-storm-in-a-spike.yaml', 'retryAfter', [590, 600], 'requests inside the Retry-After of the 429 at +590 s'],
] as const;

describe('naive example policies', () => {
  test.each(CASES)('%s fails %s on %s, at the moment the fault bites', async (example, file, invariant, [fromSec, toSec]) => {
    const result = await runWith(example, await scenario(file));
    expect(result.policy).toBe(`example-${example}`);
    expect(result.outcome).toBe('violated');
    expect(result).toBreakInvariant(invariant);
    const first = violation(result, invariant);
    expect(first, `${invariant} should break`).toBeTruthy();
    expect(first!.tMs / 1000).toBeGreaterThanOrEqual(fromSec);
    expect(first!.tMs / 1000).toBeLessThan(toSec);
    // The scenario's own faults fired (the failure is theirs).
    expect(Object.values(result.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  test.each(CASES)('%s keeps the desk hedged on %s with its faults removed', async (example, file) => {
    const calm = { ...(await scenario(file)), faults: [] };
    const result = await runWith(example, calm);
    const failed = result.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.firstViolation?.message}`);
    expect(failed).toEqual([]);
  });

  test('the reference engine passes the same scenarios', async () => {
    for (const [, file] of CASES) {
      const s = await scenario(file);
      const result = await runScenario(s, { policyDir: dirname(file) });
      expect({ file, outcome: result.outcome }).toEqual({ file, outcome: s.expect.outcome });
    }
  });
});
