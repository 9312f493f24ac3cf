import { convergedInvariant } from './converged.ts';
import { exposureInvariant } from './exposure.ts';
import { grossPerVenueInvariant } from './gross-per-venue.ts';
import { marginUseInvariant } from './margin-use.ts';
import { noDoubleHedgeInvariant } from './no-double-hedge.ts';
import { noLiquidationInvariant } from './no-liquidation.ts';
import { DOWN_PROBES_PER_MIN_DEFAULT, probeBudgetInvariant } from './probe-budget.ts';
import { noBanInvariant, retryAfterInvariant } from './rate-limits.ts';
import { RECONCILED_TOLERANCE_BASE, reconciledInvariant } from './reconciled.ts';
import type { Invariant, InvariantInput, InvariantResult } from './types.ts';

/**
 * The invariants every run checks, in report order: safety (exposure, rate limits, concentration,
 * margin), then liveness after chaos (converged), then the later ones in the order they were added
 * (liquidation, lost acknowledgements, probing a down venue, the policy's view after recovery) —
 * appended, so the first broken invariant of an existing report does not change. One whose limit
 * the scenario does not set passes with a note saying it checked nothing.
 */
export const DEFAULT_INVARIANTS: readonly Invariant[] = [
  exposureInvariant,
  retryAfterInvariant,
  noBanInvariant,
  grossPerVenueInvariant,
  marginUseInvariant,
  convergedInvariant,
  noLiquidationInvariant,
  noDoubleHedgeInvariant,
  probeBudgetInvariant,
  reconciledInvariant,
];

export function checkInvariants(input: InvariantInput, invariants: readonly Invariant[] = DEFAULT_INVARIANTS): InvariantResult[] {
  return invariants.map((inv) => inv.check(input));
}

export {
  exposureInvariant,
  retryAfterInvariant,
  noBanInvariant,
  grossPerVenueInvariant,
  marginUseInvariant,
  convergedInvariant,
  noLiquidationInvariant,
  noDoubleHedgeInvariant,
  probeBudgetInvariant,
  reconciledInvariant,
  DOWN_PROBES_PER_MIN_DEFAULT,
  RECONCILED_TOLERANCE_BASE,
};
export type { Invariant, InvariantInput, InvariantResult, Violation } from './types.ts';
