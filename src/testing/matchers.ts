import type { InvariantResult } from '../invariants/index.ts';

/**
 * vitest matchers for run results, so a desk's own tests read as what they mean:
 *
 * ```ts
 * expect(result).toHoldInvariant('exposure');
 * expect(result).toBreakInvariant('retryAfter');
 * ```
 *
 * Register them once with `expect.extend(runMatchers)` (src/testing/setup.ts does it: add it to
 * vitest's `setupFiles`). A failure message names the invariant, the moment and the message of
 * its first violation, and the replay seed — what a person needs to look at the run.
 */

/** The part of a RunResult the matchers read. */
export interface MatchableRun {
  scenario: string;
  seed: number;
  outcome: string;
  invariants: readonly InvariantResult[];
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function find(received: unknown, name: string): { run: MatchableRun; invariant: InvariantResult | undefined } | string {
  const run = received as Partial<MatchableRun> | null;
  if (run === null || typeof run !== 'object' || !Array.isArray(run.invariants)) return 'expected a run result (what runScenario returns)';
  return { run: run as MatchableRun, invariant: run.invariants.find((i) => i.name === name) };
}

function describeViolation(i: InvariantResult): string {
  const v = i.firstViolation;
  if (v === null) return `${i.name} held`;
  return `${i.name} broke at +${(v.tMs / 1000).toFixed(3)} s: ${v.message}${i.numViolations > 1 ? ` (+${i.numViolations - 1} more)` : ''}`;
}

export const runMatchers = {
  /** The run checked `name` and it held (a check that was not configured counts as held; its note says so). */
  toHoldInvariant(received: unknown, name: string): MatcherResult {
    const found = find(received, name);
    if (typeof found === 'string') return { pass: false, message: () => found };
    const { run, invariant } = found;
    if (invariant === undefined) return { pass: false, message: () => `run ${run.scenario} (seed ${run.seed}) has no invariant "${name}"; it has ${run.invariants.map((i) => i.name).join(', ')}` };
    return {
      pass: invariant.passed,
      message: () => (invariant.passed ? `expected ${name} to break in ${run.scenario} (seed ${run.seed}), but it held` : `expected ${name} to hold in ${run.scenario} (seed ${run.seed}), but ${describeViolation(invariant)}`),
    };
  },

  /** The run checked `name` and it broke. */
  toBreakInvariant(received: unknown, name: string): MatcherResult {
    const result = runMatchers.toHoldInvariant(received, name);
    const found = find(received, name);
    if (typeof found === 'string' || found.invariant === undefined) return { pass: false, message: result.message };
    return { pass: !result.pass, message: result.message };
  },
};

declare module 'vitest' {
  interface Matchers<T = any> {
    /** The run checked this invariant and it held. */
    toHoldInvariant(name: string): T;
    /** The run checked this invariant and it broke. */
    toBreakInvariant(name: string): T;
  }
}
