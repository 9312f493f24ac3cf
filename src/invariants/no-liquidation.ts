import { atSec, result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * No liquidation, ever, on ground truth: a venue engine that closes a position because its margin
 * balance fell to the maintenance margin (`venue.liquidation` in the trace) means the desk lost a
 * hedge it did not choose to lose — and paid the venue's penalty for it. `marginUse` bounds the
 * headroom when the scenario sets a limit; this one holds whatever the scenario says. One
 * violation per liquidation, naming the venue, the symbol, the size closed and the price.
 */
export const noLiquidationInvariant: Invariant = {
  name: 'noLiquidation',
  description: 'no venue ever liquidates a position of the desk',
  check(input: InvariantInput) {
    const violations: Violation[] = input.trace
      .filter((e) => e.type === 'venue.liquidation' && e.tMs <= input.durationMs)
      .map((e) => {
        const size = String(e['size']);
        return {
          tMs: e.tMs,
          venue: e.venue,
          excess: Math.abs(Number(size)),
          message: `${e.venue}: position of ${size} ${String(e['symbol'])} liquidated at price ${String(e['price'])} at ${atSec(e.tMs)}`,
        };
      });
    return result('noLiquidation', violations);
  },
};
