import { describe, expect, test } from 'vitest';
import { runMatchers, type MatchableRun } from '../../../src/testing/matchers.ts';

/** The matchers registered for every test (vitest.config.ts setupFiles → src/testing/setup.ts). */

const run = (passed: boolean): MatchableRun => ({
  scenario: 'primary-outage',
  seed: 42,
  outcome: passed ? 'passed' : 'violated',
  invariants: [
    { name: 'exposure', passed, firstViolation: passed ? null : { tMs: 690_000, message: 'net exposure 1.5 base exceeded netBaseMax 0.5' }, numViolations: passed ? 0 : 3 },
    { name: 'noBan', passed: true, firstViolation: null, numViolations: 0 },
  ],
});

describe('toHoldInvariant / toBreakInvariant', () => {
  test('pass and fail on the named invariant', () => {
    expect(run(true)).toHoldInvariant('exposure');
    expect(run(false)).toBreakInvariant('exposure');
    expect(run(false)).toHoldInvariant('noBan');
    expect(run(false)).not.toHoldInvariant('exposure');
  });

  test('a failure names the invariant, the moment, the message and the seed', () => {
    expect(() => expect(run(false)).toHoldInvariant('exposure')).toThrow(
      'expected exposure to hold in primary-outage (seed 42), but exposure broke at +690.000 s: net exposure 1.5 base exceeded netBaseMax 0.5 (+2 more)',
    );
  });

  test('an invariant the run does not have fails both ways, listing the ones it has', () => {
    expect(runMatchers.toHoldInvariant(run(true), 'exposre')).toMatchObject({ pass: false });
    expect(runMatchers.toBreakInvariant(run(true), 'exposre').pass).toBe(false);
    expect(runMatchers.toHoldInvariant(run(true), 'exposre').message()).toBe('run primary-outage (seed 42) has no invariant "exposre"; it has exposure, noBan');
    expect(runMatchers.toHoldInvariant({ nope: 1 }, 'exposure').message()).toBe('expected a run result (what runScenario returns)');
  });
});
