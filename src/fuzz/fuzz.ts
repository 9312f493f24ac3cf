import { invariantAssetsOf, marketsOf } from '../scenario/markets.ts';
import fc from 'fast-check';
import { FaultSchedule } from '../faults/index.ts';
import { checkInvariants, type Invariant, type Violation } from '../invariants/index.ts';
import type { Policy } from '../redundancy/policy.ts';
import type { Scenario } from '../scenario/index.ts';
import { createRng } from '../sim/rng.ts';
import { faultsFromScenario, runScenario, type RunResult } from '../sim/run.ts';
import { VIRTUAL_EPOCH_MS } from '../sim/virtual-clock.ts';
import { candidateArbitrary, candidateScenario, type FuzzCandidate, type FuzzSearchOptions } from './candidate.ts';

/**
 * Search for an invariant violation: fast-check draws candidates over a base scenario
 * (./candidate.ts), each is run with `runScenario`, and the first one that breaks an invariant is
 * shrunk — by fast-check's own shrinker, on the candidate's parts: fewer fault windows, fewer
 * inventory steps and jumps, earlier and shorter windows, a shorter run, simpler fault options,
 * seed toward 0 — keeping only smaller candidates that break the *same* invariant, so the
 * counterexample shows what the search first found rather than drifting to another failure.
 *
 * Deterministic: the same base, policy, options and `seed` give the same candidates, the same
 * counterexample and the same report. `fuzz` returns data; it throws only for a venuechaos bug.
 *
 * @example
 * const report = await fuzz({ base, policy: () => createNoFailoverPolicy(), runs: 50, seed: 7 });
 * if (report.outcome === 'violated') console.log(report.invariant, report.shrunk);
 */

export interface FuzzOptions {
  /** Venues, market, limits, policy and inventory come from here; its faults are replaced. */
  base: Scenario;
  /** A fresh policy per run. */
  policy: () => Policy;
  /** Candidates to try before declaring none breaks an invariant. */
  runs: number;
  /** The search's seed (fast-check's); each candidate's scenario seed is drawn from it. */
  seed: number;
  /**
   * Which invariants count: names of those a run reports (`policyHealthy` and `interrupted` —
   * a run that ran out of budget — included), and/or extra Invariant checkers run on each trace.
   * Default: every invariant a run reports, and `interrupted`.
   */
  invariants?: readonly (string | Invariant)[];
  /** What to vary and within which budgets. */
  search?: FuzzSearchOptions;
  /** Candidate runs the shrinker may spend once a violation is found (default 150). Past it, the smallest found so far is the answer. */
  shrinkRunsMax?: number;
  /** Called after every candidate run. */
  onRun?: (progress: FuzzProgress) => void;
}

export interface FuzzProgress {
  phase: 'search' | 'shrink';
  /** Candidates run while searching (including the one that broke). */
  searchRuns: number;
  runs: number;
  /** Candidates run while shrinking, and how many of them still broke the invariant. */
  shrinkRuns: number;
  shrinkSteps: number;
  /** Summed wall ms of the runs so far (as runScenario measured them). */
  runWallMs: number;
  /** The invariant being shrunk, once one broke, and the smallest candidate that breaks it so far. */
  invariant?: string;
  smallest?: CandidateSize;
}

/** How big a candidate is: what shrinking makes smaller. */
export interface CandidateSize {
  faults: number;
  durationSec: number;
  inventorySteps: number;
  jumps: number;
}

export type FuzzReport = FuzzPassed | FuzzViolated;

export interface FuzzPassed {
  outcome: 'passed';
  seed: number;
  runs: number;
  runWallMs: number;
}

export interface FuzzViolated {
  outcome: 'violated';
  seed: number;
  /** Candidates run until the first violation (that one included). */
  searchRuns: number;
  /** Candidate runs spent shrinking, and the steps that made it smaller. */
  shrinkRuns: number;
  shrinkSteps: number;
  /** True when shrinking stopped at `shrinkRunsMax` rather than running out of smaller candidates. */
  shrinkBudgetSpent: boolean;
  runWallMs: number;
  /** The invariant that broke (the first one reported, in report order). */
  invariant: string;
  /** Its first violation in the shrunk run. */
  violation: Violation | null;
  /** The shrunk scenario: the document (what a file says) and as loaded. */
  doc: Record<string, unknown>;
  scenario: Scenario;
  candidate: FuzzCandidate;
  /** Sizes of the first failing candidate (as laid over the base) and of the shrunk one. */
  found: CandidateSize;
  shrunk: CandidateSize;
  /** fast-check's replay path for the counterexample (with `seed`). */
  path: string | null;
  policy: string;
}

/** Pseudo-invariant: the run ran out of its budget (never a silent pass). */
export const INTERRUPTED = 'interrupted';

interface Broken {
  name: string;
  violation: Violation | null;
}

/** The invariants a run broke, among those `watch` selects, in report order. */
export function brokenInvariants(result: RunResult, scenario: Scenario, watch?: readonly (string | Invariant)[]): Broken[] {
  const names = watch?.filter((w): w is string => typeof w === 'string');
  const checkers = watch?.filter((w): w is Invariant => typeof w !== 'string') ?? [];
  const selected = (name: string): boolean => names === undefined || (names.length === 0 && checkers.length === 0) || names.includes(name);
  const broken: Broken[] = result.invariants.filter((i) => !i.passed && selected(i.name)).map((i) => ({ name: i.name, violation: i.firstViolation }));
  if (checkers.length > 0) {
    // The schedule a run used, rebuilt from its scenario and seed (every stream is forked by name).
    const faults = new FaultSchedule(faultsFromScenario(scenario, VIRTUAL_EPOCH_MS, createRng(result.seed)));
    const extra = checkInvariants(
      {
        trace: result.trace.events,
        faults,
        startMs: VIRTUAL_EPOCH_MS,
        durationMs: result.simulatedMs,
        venues: scenario.venues.map((v) => v.id),
        limits: scenario.limits,
        phases: scenario.phases,
        ...invariantAssetsOf(scenario),
      },
      checkers,
    );
    broken.push(...extra.filter((i) => !i.passed).map((i) => ({ name: i.name, violation: i.firstViolation })));
  }
  if (result.outcome === 'interrupted' && selected(INTERRUPTED)) broken.push({ name: INTERRUPTED, violation: { tMs: result.simulatedMs, message: result.reason ?? 'the run ran out of budget' } });
  return broken;
}

/** The size of a candidate as it runs (windows and steps past the run's end do not count). */
export function sizeOf(scenario: Scenario): CandidateSize {
  return { faults: scenario.faults.length, durationSec: scenario.durationSec, inventorySteps: scenario.inventory.length, jumps: marketsOf(scenario.market).reduce((n, m) => n + m.jumps.length, 0) };
}

/** Searches for a violation and shrinks the first one found; see the file comment. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const shrinkRunsMax = options.shrinkRunsMax ?? 150;
  const progress: FuzzProgress = { phase: 'search', searchRuns: 0, runs: options.runs, shrinkRuns: 0, shrinkSteps: 0, runWallMs: 0 };
  let first: { scenario: Scenario } | undefined;
  let last: { candidate: FuzzCandidate; doc: Record<string, unknown>; scenario: Scenario; broken: Broken } | undefined;
  let bug: unknown;
  let policyName = '';

  const property = fc.asyncProperty(candidateArbitrary(options.base, options.search), async (candidate) => {
    // After a bug, or once the shrink budget is spent, every further candidate "passes" unrun:
    // fast-check then ends quickly, keeping the smallest failing candidate so far.
    if (bug !== undefined) return true;
    if (last !== undefined && progress.shrinkRuns >= shrinkRunsMax) return true;
    try {
      const { doc, scenario } = candidateScenario(options.base, candidate);
      const policy = options.policy();
      policyName = policy.name;
      const result = await runScenario(scenario, { policy });
      progress.runWallMs += result.wallMs;
      if (last === undefined) progress.searchRuns += 1;
      else progress.shrinkRuns += 1;
      const broken = brokenInvariants(result, scenario, options.invariants);
      const target = last === undefined ? broken[0] : broken.find((b) => b.name === last!.broken.name);
      if (target !== undefined) {
        if (last === undefined) first = { scenario };
        else progress.shrinkSteps += 1;
        last = { candidate, doc, scenario, broken: target };
        progress.phase = 'shrink';
        progress.invariant = target.name;
        progress.smallest = sizeOf(scenario);
      }
      options.onRun?.({ ...progress });
      return target === undefined;
    } catch (error) {
      bug = error;
      return true;
    }
  });
  const details = await fc.check(property, { numRuns: options.runs, seed: options.seed });
  if (bug !== undefined) throw bug;
  if (last === undefined || first === undefined) {
    return { outcome: 'passed', seed: options.seed, runs: progress.searchRuns, runWallMs: progress.runWallMs };
  }
  return {
    outcome: 'violated',
    seed: options.seed,
    searchRuns: progress.searchRuns,
    shrinkRuns: progress.shrinkRuns,
    shrinkSteps: progress.shrinkSteps,
    shrinkBudgetSpent: progress.shrinkRuns >= shrinkRunsMax,
    runWallMs: progress.runWallMs,
    invariant: last.broken.name,
    violation: last.broken.violation,
    doc: last.doc,
    scenario: last.scenario,
    candidate: last.candidate,
    found: sizeOf(first.scenario),
    shrunk: sizeOf(last.scenario),
    path: details.counterexamplePath,
    policy: policyName,
  };
}
