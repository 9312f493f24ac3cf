import { convergedInvariant } from './converged.ts';
import { exposureInvariant } from './exposure.ts';
import { grossPerVenueInvariant } from './gross-per-venue.ts';
import { marginUseInvariant } from './margin-use.ts';
import { noDoubleHedgeInvariant } from './no-double-hedge.ts';
import { noLiquidationInvariant } from './no-liquidation.ts';
import { DOWN_PROBES_PER_MIN_DEFAULT, probeBudgetInvariant } from './probe-budget.ts';
import { checkPerAsset, inputsPerAsset, isMultiAsset, isPerAsset, PER_ASSET_INVARIANTS, splitTraceByAsset } from './per-asset.ts';
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

/**
 * Checks `invariants` on a run, results in the order given. In a multi-coin run (`input.assets`
 * names two or more coins) the coin-specific ones (`PER_ASSET_INVARIANTS`) run once per coin on
 * that coin's share of the trace and limits, merged into one result each (per-asset.ts); the
 * venue-wide ones, and any invariant not in that set, run once on the whole trace. With no coin
 * or one, every invariant runs on `input` as given.
 */
export function checkInvariants(input: InvariantInput, invariants: readonly Invariant[] = DEFAULT_INVARIANTS): InvariantResult[] {
  if (!isMultiAsset(input)) return invariants.map((inv) => inv.check(input));
  let perCoin: ReturnType<typeof inputsPerAsset> | undefined;
  return invariants.map((inv) => {
    if (!isPerAsset(inv)) return inv.check(input);
    perCoin ??= inputsPerAsset(input);
    return checkPerAsset(inv, perCoin);
  });
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
  PER_ASSET_INVARIANTS,
  splitTraceByAsset,
};
export type { AssetLimits, Invariant, InvariantInput, InvariantResult, Violation } from './types.ts';
