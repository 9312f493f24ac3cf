import { convergedInvariant } from './converged.ts';
import { exposureInvariant } from './exposure.ts';
import { grossPerVenueInvariant } from './gross-per-venue.ts';
import { marginUseInvariant } from './margin-use.ts';
import { noBanInvariant, retryAfterInvariant } from './rate-limits.ts';
import type { Invariant, InvariantInput, InvariantResult } from './types.ts';

/**
 * The invariants every run checks, in report order: safety (exposure, rate limits, concentration,
 * margin), then liveness after chaos (converged). One whose limit the scenario does not set passes
 * with a note saying it checked nothing.
 */
export const DEFAULT_INVARIANTS: readonly Invariant[] = [
  exposureInvariant,
  retryAfterInvariant,
  noBanInvariant,
  grossPerVenueInvariant,
  marginUseInvariant,
  convergedInvariant,
];

export function checkInvariants(input: InvariantInput, invariants: readonly Invariant[] = DEFAULT_INVARIANTS): InvariantResult[] {
  return invariants.map((inv) => inv.check(input));
}

export { exposureInvariant, retryAfterInvariant, noBanInvariant, grossPerVenueInvariant, marginUseInvariant, convergedInvariant };
export type { Invariant, InvariantInput, InvariantResult, Violation } from './types.ts';
