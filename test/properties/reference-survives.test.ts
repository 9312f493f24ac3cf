import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { candidateArbitrary, candidateScenario, DOWN_KINDS, minimalDocument, type FuzzCandidate, type FuzzSearchOptions } from '../../src/fuzz/index.ts';
import { loadScenarioSet, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';

/**
 * The reference engine survives the search: over the fuzz candidates (random fault schedules with
 * at most one venue down at a time, inventory steps, price jumps) laid over a base that sets every
 * limit an invariant checks and two phases (test/properties/bases/all-limits.yaml), every invariant
 * a run reports holds, and no run is interrupted.
 *
 * Not vacuous: every run has the recovery phase (the base's phases fit the shortest candidate), and
 * faults must actually hit requests in a good share of runs, of several kinds.
 *
 * Short runs (90–150 s, chaos in the first 60 s) so the default 100 runs stay cheap; FUZZ_RUNS
 * raises the count (npm run test:deep). On a violation fast-check shrinks the candidate (bounded:
 * SHRINK_RUNS_MAX runs) and the failure prints the smallest scenario found as YAML, to save next to
 * the base and replay with `npx venuechaos run`.
 */

const BASE_FILE = 'test/properties/bases/all-limits.yaml';
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100);
const SEED = 20260307;
const SHRINK_RUNS_MAX = 60;
/**
 * Inventory steps of at most 1 BTC and jumps of at most 10 %: the bounds the base's limits are
 * sized for (see its header), so a break is the engine's, not a limit no policy could meet.
 */
const SEARCH: FuzzSearchOptions = { durationSecMin: 90, durationSecMax: 150, maxConcurrentDown: 1, inventory: { baseMax: 1 }, jumps: { pctMax: 10 } };
/** At least this share of runs must have a fault hit a request (measured: about half on SEED). */
const FIRED_SHARE_MIN = 0.3;

async function loadBase(): Promise<Scenario> {
  const loaded = await loadScenarioSet(BASE_FILE);
  if (!loaded.ok) throw new Error(`${BASE_FILE} does not load`);
  return { ...loaded.runs[0]!.scenario, faults: [] };
}

const injected = (result: RunResult): number => Object.values(result.faultsInjected).reduce((a, b) => a + b, 0);

describe('the reference engine under the fuzz search, every limit set', () => {
  test(`holds every invariant in ${RUNS} runs (seed ${SEED}), faults firing in a good share of them`, { timeout: 60_000 + RUNS * 3_000 }, async () => {
    const base = await loadBase();
    const stats = { runs: 0, fired: 0, downFired: 0, recovery: 0, kinds: new Set<string>() };
    let failedRuns = 0;

    const property = fc.asyncProperty(candidateArbitrary(base, SEARCH), async (candidate: FuzzCandidate) => {
      // Once a violation is being shrunk, bound the shrinking: further candidates pass unrun, and
      // fast-check reports the smallest failing one so far.
      if (failedRuns > SHRINK_RUNS_MAX) return;
      const { doc, scenario } = candidateScenario(base, candidate);
      const result = await runScenario(scenario);
      if (failedRuns === 0) {
        stats.runs += 1;
        if (injected(result) > 0) stats.fired += 1;
        if (DOWN_KINDS.some((k) => (result.faultsInjected[k] ?? 0) > 0)) stats.downFired += 1;
        for (const [kind, n] of Object.entries(result.faultsInjected)) if (n > 0) stats.kinds.add(kind);
        if (result.invariants.some((i) => i.name === 'converged' && i.note === undefined)) stats.recovery += 1;
      }
      try {
        expect(result.outcome, result.reason).not.toBe('interrupted');
        for (const invariant of result.invariants) expect(result).toHoldInvariant(invariant.name);
      } catch (error) {
        failedRuns += 1;
        const yaml = stringify(minimalDocument({ ...doc, name: 'reference-survives-counterexample', description: '' }));
        throw new Error(`${(error as Error).message}\n\nthe scenario (save it under test/properties/bases/ and run it with npx venuechaos run):\n${yaml}`);
      }
    });
    await fc.assert(property, { numRuns: RUNS, seed: SEED });

    expect(stats.runs).toBe(RUNS);
    // Every run checked recovery: the base's phases fit the shortest candidate.
    expect(stats.recovery).toBe(RUNS);
    expect(stats.fired).toBeGreaterThanOrEqual(Math.ceil(FIRED_SHARE_MIN * RUNS));
    expect(stats.downFired).toBeGreaterThanOrEqual(Math.ceil((FIRED_SHARE_MIN / 2) * RUNS));
    expect(stats.kinds.size).toBeGreaterThanOrEqual(4);
  });
});
