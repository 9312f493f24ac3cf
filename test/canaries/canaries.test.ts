import { describe, expect, test } from 'vitest';
import { counterexampleYaml, fuzz, type FuzzOptions, type FuzzViolated } from '../../src/fuzz/index.ts';
import { loadPolicy } from '../../src/redundancy/load-policy.ts';
import { loadScenarioSet, parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';

/**
 * Canaries: the search has teeth. For each deliberately broken policy, `fuzz` on a fixed seed finds
 * the violation its mistake causes within a bounded number of runs, shrinks it, and the shrunk
 * scenario — written as YAML and parsed back from that text — breaks the same invariant again.
 * The reference engine survives the same search.
 *
 * The search: scenarios/default.yaml (two binanceusdm venues, +5 base at +0 s) with its faults
 * removed; candidates of 60–600 s; outage, rateLimit, maintenance, ackLoss, errorRate and latency
 * windows (swarm on), at most one venue down at a time; up to 3 inventory steps and 2 price jumps.
 *
 * FUZZ_RUNS raises the run budget (npm run test:deep): the canaries must still be caught, and the
 * reference must survive that many runs.
 */

const SEED = 1;
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 30);
/** Shrinking is bounded so each canary costs seconds; past it the smallest so far is the answer. */
const SHRINK_RUNS_MAX = 60;
const SEARCH: FuzzOptions['search'] = { maxConcurrentDown: 1, durationSecMax: 600 };

async function defaultBase(): Promise<Scenario> {
  const loaded = await loadScenarioSet('scenarios/default.yaml');
  if (!loaded.ok) throw new Error('scenarios/default.yaml does not load');
  return { ...loaded.runs[0]!.scenario, faults: [] };
}

async function factory(spec: string) {
  const loaded = await loadPolicy(spec);
  if (!loaded.ok) throw new Error(`cannot load ${spec}: ${loaded.error.message}`);
  return loaded.create;
}

interface Canary {
  module: string;
  /** The invariant its mistake breaks. */
  invariant: string;
  /** Runs the search needs on SEED (measured), and the budget the test allows. */
  runsMax: number;
}

// Measured on seed 1 with the shrink budget above; "faults / run length", first found → shrunk:
//   no-failover            exposure    run 17: 2 faults / 526 s → 1 fault / 132 s (primary outage, private scope, +1 s for 130 s; 19 shrink steps in 60 runs, budget spent)
//   rehedge-on-timeout     exposure    run 26: 6 faults /  69 s → 1 fault /  60 s (5 s of ackLoss on the primary at +0 s; 14 steps in 24 runs)
//   ignores-retry-after    retryAfter  run  3: 4 faults / 596 s → 1 fault /  60 s (a 429 window on the primary, Retry-After 30 s; 33 steps in 60 runs)
//   probes-down-venue      retryAfter  run 25: 3 faults / 595 s → 1 fault /  60 s (a 429 window on the primary at +0 s for 5 s; 27 steps in 54 runs)
const CANARIES: Canary[] = [
  { module: 'src/redundancy/examples/no-failover.ts', invariant: 'exposure', runsMax: 30 },
  { module: 'src/redundancy/examples/rehedge-on-timeout.ts', invariant: 'exposure', runsMax: 30 },
  { module: 'src/redundancy/examples/ignores-retry-after.ts', invariant: 'retryAfter', runsMax: 30 },
  { module: 'test/canaries/policies/probes-down-venue-every-tick.ts', invariant: 'retryAfter', runsMax: 30 },
];

describe('fuzz catches each canary policy and shrinks it to a replayable scenario', () => {
  test.each(CANARIES)('$module: breaks $invariant within $runsMax runs, shrinks, and the YAML replays it', async (canary) => {
    const create = await factory(canary.module);
    const report = await fuzz({ base: await defaultBase(), policy: create, runs: Math.max(RUNS, canary.runsMax), seed: SEED, search: SEARCH, shrinkRunsMax: SHRINK_RUNS_MAX });
    expect(report.outcome).toBe('violated');
    const found = report as FuzzViolated;
    expect(found.invariant).toBe(canary.invariant);
    expect(found.searchRuns).toBeLessThanOrEqual(canary.runsMax);
    // Shrinking made it smaller, and small: one or two windows, a run of a few minutes at most.
    expect(found.shrunk.faults).toBeLessThanOrEqual(Math.min(2, found.found.faults));
    expect(found.shrunk.durationSec).toBeLessThanOrEqual(found.found.durationSec);
    expect(found.shrunk.durationSec).toBeLessThanOrEqual(180);

    const file = `reports/fuzz/${canary.invariant}.yaml`;
    const yaml = counterexampleYaml(found, { policySpec: canary.module, file, baseName: 'scenarios/default.yaml' });
    expect(yaml.startsWith('# yaml-language-server: $schema=')).toBe(true);
    expect(yaml).toContain(`# Replay: npx venuechaos run ${file} --policy ${canary.module}`);
    expect(yaml).toContain(`Found by venuechaos fuzz (seed ${SEED}, policy ${canary.module}`);

    // From a fresh parse of the text, with a fresh policy: the same invariant breaks again.
    const parsed = parseScenario(yaml, file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.scenario.faults.length).toBe(found.shrunk.faults);
    const replay = await runScenario(parsed.scenario, { policy: create() });
    expect(replay).toBreakInvariant(canary.invariant);
    expect(replay.invariants.find((i) => i.name === canary.invariant)?.firstViolation?.tMs).toBe(found.violation?.tMs);
    // The fault the file keeps actually fired.
    expect(Object.values(replay.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe('the reference engine survives the same search', () => {
  test(`no invariant breaks in ${RUNS} runs on seed ${SEED}`, async () => {
    const report = await fuzz({ base: await defaultBase(), policy: await factory('reference'), runs: RUNS, seed: SEED, search: SEARCH, shrinkRunsMax: SHRINK_RUNS_MAX });
    if (report.outcome === 'violated') {
      // A finding, not a flaky test: print the shrunk scenario so it can be replayed and fixed.
      throw new Error(`reference broke ${report.invariant}: ${report.violation?.message}\n${counterexampleYaml(report, { policySpec: 'reference', file: 'reports/fuzz/reference.yaml', baseName: 'scenarios/default.yaml' })}`);
    }
    expect(report.runs).toBe(RUNS);
  });
});
