import { describeVenueHoldings, holdingsSteps, type HoldingsStep } from './holdings.ts';
import { stretchesOver } from './stretches.ts';
import { absUnits, formatUnits, fromUnits, toUnits } from './units.ts';
import { atSec, notConfigured, result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * Concentration within limits, on ground truth: what the desk holds on any one venue — |its perp
 * position| plus the run's base coins in its wallet (spot holdings) — never exceeds
 * `limits.grossBaseMaxPerVenue`, at any moment, whatever the net. A venue that fails takes what
 * is held there with it; a hedge parked whole on the primary breaks this even when the desk is
 * flat. One violation per stretch over the limit, per venue. Without the limit it checks nothing.
 */
export const grossPerVenueInvariant: Invariant = {
  name: 'grossPerVenue',
  description: '|position| + base coins held on any one venue stays within grossBaseMaxPerVenue',
  check(input: InvariantInput) {
    const max = input.limits.grossBaseMaxPerVenue;
    if (max === undefined) return notConfigured('grossPerVenue', 'limits.grossBaseMaxPerVenue');
    const limit = toUnits(max);
    const samples = holdingsSteps(input)
      .filter((step) => step.tMs <= input.durationMs)
      .flatMap((step) => [...new Set([...step.positions.keys(), ...step.coins.keys()])].map((venue) => ({ key: venue, tMs: step.tMs, sample: { step, gross: grossOn(step, venue) } })));
    const stretches = stretchesOver(samples, { isOver: (s) => s.gross > limit, isHigher: (a, b) => a.gross > b.gross });
    const violations: Violation[] = stretches.map((s) => {
      const excess = s.first.gross - limit;
      const peak = s.peak.gross > s.first.gross ? `; at most ${formatUnits(s.peak.gross)} base at ${atSec(s.peak.step.tMs)}` : '';
      const end = s.endMs === undefined ? 'still over when the run ended' : `within the limit again at ${atSec(s.endMs)}`;
      return {
        tMs: s.startMs,
        venue: s.key,
        excess: fromUnits(excess),
        message:
          `${s.key}: held ${formatUnits(s.first.gross)} base (${describeVenueHoldings(s.first.step, s.key)}) at ${atSec(s.startMs)}, ` +
          `over grossBaseMaxPerVenue ${max} by ${formatUnits(excess)}${peak}; ${end}`,
      };
    });
    return result('grossPerVenue', violations);
  },
};

/** What the desk holds on one venue, whatever the side: |position| + |base coins|. */
function grossOn(step: HoldingsStep, venue: string): bigint {
  return absUnits(step.positions.get(venue) ?? 0n) + absUnits(step.coins.get(venue) ?? 0n);
}
