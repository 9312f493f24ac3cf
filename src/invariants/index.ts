import { exposureInvariant } from './exposure.ts';
import { noBanInvariant, retryAfterInvariant } from './rate-limits.ts';
import type { Invariant, InvariantInput, InvariantResult } from './types.ts';

/** The invariants every run checks, in report order. */
export const DEFAULT_INVARIANTS: readonly Invariant[] = [exposureInvariant, retryAfterInvariant, noBanInvariant];

export function checkInvariants(input: InvariantInput, invariants: readonly Invariant[] = DEFAULT_INVARIANTS): InvariantResult[] {
  return invariants.map((inv) => inv.check(input));
}

export { exposureInvariant, retryAfterInvariant, noBanInvariant };
export type { Invariant, InvariantInput, InvariantResult, Violation } from './types.ts';
