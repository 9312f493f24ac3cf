import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { counterexampleYaml, fuzz, type FuzzSearchOptions, type FuzzViolated } from '../../src/fuzz/index.ts';
import { loadPolicy } from '../../src/redundancy/load-policy.ts';
import { loadScenarioSet, parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';

/**
 * Canaries: the search has teeth. For each deliberately broken policy, `fuzz` on a fixed seed finds
 * the violation its mistake causes within a bounded number of runs, shrinks it, and the shrunk
 * scenario — written as YAML, parsed back from that text, and run by a fresh `venuechaos run`
 * process — breaks the same invariant again, at the same moment.
 * The reference engine survives every search a canary uses: the same base, the same options, the
 * same seed.
 *
 * Each canary names its base (a scenario file whose faults the search replaces) and its search.
 * The default search: candidates of 60–600 s; outage, rateLimit, maintenance, ackLoss, errorRate
 * and latency windows (swarm on), at most one venue down at a time; up to 3 inventory steps and 2
 * price jumps. A canary whose mistake needs a fault the default leaves out (staleData) says so.
 *
 * FUZZ_RUNS raises the run budget (npm run test:deep): the canaries must still be caught, and the
 * reference must survive that many runs of each search.
 */

const SEED = 1;
/** Where the shrunk files are written, to be replayed by a fresh `venuechaos run` process. */
const TMP = mkdtempSync(join(tmpdir(), 'venuechaos-canaries-'));
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 30);
/** Shrinking is bounded so each canary costs seconds; past it the smallest so far is the answer. */
const SHRINK_RUNS_MAX = 60;

/** A named search, so the reference's tests can say which one they ran. */
interface Search {
  name: string;
  options: FuzzSearchOptions;
}

const DEFAULT_SEARCH: Search = { name: 'default search', options: { maxConcurrentDown: 1, durationSecMax: 600 } };
/**
 * Stale market data only, windows drawn on every candidate (swarm off: with one kind it would only
 * switch the kind off), runs of at most 4 min: what the stale-price mistake needs is a frozen feed,
 * a move and an exposure change inside one window, and shorter runs keep the counterexample short.
 */
const STALE_DATA_SEARCH: Search = { name: 'staleData search', options: { maxConcurrentDown: 1, durationSecMax: 240, kinds: ['staleData'], swarm: false } };

const BASES = {
  /** Two binanceusdm venues, +5 base at +0 s, 0.5 base for 30 s. */
  default: 'scenarios/default.yaml',
  /** The default desk with a seeded client flow (a trade every 10 s on average): exposure keeps moving. */
  steadyClientFlow: 'test/canaries/bases/steady-client-flow.yaml',
  /** A well-funded primary, a small account next in line, a funded third; marginUsePctMax 25. */
  smallAccountNextInLine: 'test/canaries/bases/small-account-next-in-line.yaml',
} as const;

async function baseScenario(file: string): Promise<Scenario> {
  const loaded = await loadScenarioSet(file);
  if (!loaded.ok) throw new Error(`${file} does not load`);
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
  /** The scenario file the search varies (its faults removed). */
  base: string;
  search: Search;
  /** Shrink budget when SHRINK_RUNS_MAX does not reach a short counterexample. */
  shrinkRunsMax?: number;
}

// Measured on seed 1 with the shrink budget of each; "faults / run length", first found → shrunk:
//   no-failover            exposure    run 17: 2 faults / 526 s → 1 fault / 132 s (primary outage, private scope, +1 s for 130 s; 19 shrink steps in 60 runs, budget spent)
//   rehedge-on-timeout     exposure    run 26: 6 faults /  69 s → 1 fault /  60 s (5 s of ackLoss on the primary at +0 s; 14 steps in 24 runs)
//   ignores-retry-after    retryAfter  run  3: 4 faults / 596 s → 1 fault /  60 s (a 429 window on the primary, Retry-After 30 s; 33 steps in 60 runs)
//   probes-down-venue      retryAfter  run 25: 3 faults / 595 s → 1 fault /  60 s (a 429 window on the primary at +0 s; 27 steps in 54 runs)
//   trusts-stale-price     exposure    run 13: 3 faults / 165 s → 1 fault /  71 s (staleData on the primary for the whole run, +14 % at +21 s, a buy at +40 s its IOCs never fill; 20 steps in 60 runs, budget spent) — staleData search
//   forgets-to-fail-back   exposure    run  2: 3 faults / 598 s → 2 faults / 115 s (backup down +0–5 s and struck off, the primary's 5xx from +29 s strikes it too; the client flow does the rest; 27 steps in 80 runs, budget spent) — steady-client-flow base
//   hedges-without-margin  marginUse   run 31: 3 faults / 510 s → 1 fault /  60 s (5xx on the primary for 5 s at +0 s: the whole 5 base lands on the 30 000 USDT account, 100.5 % margin use; 25 steps in 50 runs) — small-account-next-in-line base
const CANARIES: Canary[] = [
  { module: 'src/redundancy/examples/no-failover.ts', invariant: 'exposure', runsMax: 30, base: BASES.default, search: DEFAULT_SEARCH },
  { module: 'src/redundancy/examples/rehedge-on-timeout.ts', invariant: 'exposure', runsMax: 30, base: BASES.default, search: DEFAULT_SEARCH },
  { module: 'src/redundancy/examples/ignores-retry-after.ts', invariant: 'retryAfter', runsMax: 30, base: BASES.default, search: DEFAULT_SEARCH },
  { module: 'test/canaries/policies/probes-down-venue-every-tick.ts', invariant: 'retryAfter', runsMax: 30, base: BASES.default, search: DEFAULT_SEARCH },
  { module: 'test/canaries/policies/trusts-stale-price.ts', invariant: 'exposure', runsMax: 30, base: BASES.default, search: STALE_DATA_SEARCH },
  { module: 'test/canaries/policies/forgets-to-fail-back.ts', invariant: 'exposure', runsMax: 30, base: BASES.steadyClientFlow, search: DEFAULT_SEARCH, shrinkRunsMax: 80 },
  { module: 'test/canaries/policies/hedges-without-checking-margin.ts', invariant: 'marginUse', runsMax: 40, base: BASES.smallAccountNextInLine, search: DEFAULT_SEARCH },
];

/** Every (base, search) pair some canary uses, once each: what the reference must survive. */
const SEARCHED = [...new Map(CANARIES.map((c) => [`${c.base}\u0000${c.search.name}`, { base: c.base, search: c.search }])).values()];

describe('fuzz catches each canary policy and shrinks it to a replayable scenario', () => {
  test.each(CANARIES)('$module: breaks $invariant on $base within $runsMax runs, shrinks, and the YAML replays it', async (canary) => {
    const create = await factory(canary.module);
    const report = await fuzz({
      base: await baseScenario(canary.base),
      policy: create,
      runs: Math.max(RUNS, canary.runsMax),
      seed: SEED,
      search: canary.search.options,
      shrinkRunsMax: canary.shrinkRunsMax ?? SHRINK_RUNS_MAX,
    });
    expect(report.outcome).toBe('violated');
    const found = report as FuzzViolated;
    expect(found.invariant).toBe(canary.invariant);
    expect(found.searchRuns).toBeLessThanOrEqual(canary.runsMax);
    // Shrinking made it smaller, and small: one or two windows, a run of a few minutes at most.
    expect(found.shrunk.faults).toBeLessThanOrEqual(Math.min(2, found.found.faults));
    expect(found.shrunk.durationSec).toBeLessThanOrEqual(found.found.durationSec);
    expect(found.shrunk.durationSec).toBeLessThanOrEqual(180);

    const file = join(TMP, `${basename(canary.module, '.ts')}.yaml`);
    const yaml = counterexampleYaml(found, { policySpec: canary.module, file, baseName: canary.base });
    expect(yaml.startsWith('# yaml-language-server: $schema=')).toBe(true);
    expect(yaml).toContain(`# Replay: npx venuechaos run ${file} --policy ${canary.module}`);
    expect(yaml).toContain(`Found by venuechaos fuzz (seed ${SEED}, policy ${canary.module}, base ${canary.base}`);

    // From a fresh parse of the text, with a fresh policy: the same invariant breaks again.
    const parsed = parseScenario(yaml, file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.scenario.faults.length).toBe(found.shrunk.faults);
    const replay = await runScenario(parsed.scenario, { policy: create() });
    expect(replay).toBreakInvariant(canary.invariant);
    expect(replay.invariants.find((i) => i.name === canary.invariant)?.firstViolation?.tMs).toBe(found.violation?.tMs);
    // The fault the file keeps actually fired.
    expect(Object.values(replay.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    // And from a fresh process, as the file's replay comment says to run it.
    writeFileSync(file, yaml);
    const cli = spawnSync(process.execPath, ['bin/venuechaos.mjs', 'run', file, '--policy', canary.module, '--json', '--report-dir', join(TMP, 'runs', basename(file, '.yaml'))], { encoding: 'utf8', timeout: 120_000 });
    expect(cli.status).toBe(1);
    const summary = JSON.parse(cli.stdout) as { invariants: Array<{ name: string; passed: boolean; firstViolation: { tMs: number } | null }>; meetsExpectation: boolean };
    const fresh = summary.invariants.find((i) => i.name === canary.invariant);
    expect(fresh?.passed).toBe(false);
    expect(fresh?.firstViolation?.tMs).toBe(found.violation?.tMs);
    expect(summary.meetsExpectation).toBe(true);
  });
});

describe('the reference engine survives every search a canary uses', () => {
  test.each(SEARCHED)(`$base, $search.name: no invariant breaks in ${RUNS} runs on seed ${SEED}`, async ({ base, search }) => {
    const report = await fuzz({ base: await baseScenario(base), policy: await factory('reference'), runs: RUNS, seed: SEED, search: search.options, shrinkRunsMax: SHRINK_RUNS_MAX });
    if (report.outcome === 'violated') {
      // A finding, not a flaky test: print the shrunk scenario so it can be replayed and fixed.
      throw new Error(`reference broke ${report.invariant}: ${report.violation?.message}\n${counterexampleYaml(report, { policySpec: 'reference', file: 'reports/fuzz/reference.yaml', baseName: base })}`);
    }
    expect(report.runs).toBe(RUNS);
  });
});
