import { stretchesOver } from './stretches.ts';
import { formatPercent, formatUnits, fromUnits, percentUnits, toUnits } from './units.ts';
import { atSec, notConfigured, result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * Margin use within limits, on ground truth: on every perp venue, the initial margin in use
 * (positions and open orders, as the venue engine reserves it when it accepts an order) stays
 * within `limits.marginUsePctMax` percent of the margin balance (wallet + unrealized PnL) — the
 * headroom a venue needs to take the next hedge and to stay clear of liquidation. Read from the
 * engine's `venue.margin` samples: after every change of the account, at each tick that set a new
 * peak, and just before a liquidation (see the engine's model), so every maximum is seen at the
 * engine's tick resolution.
 * Margin in use with no margin balance left is over any limit. One violation per stretch over
 * the limit, per venue and margin asset. Without the limit it checks nothing.
 */
export const marginUseInvariant: Invariant = {
  name: 'marginUse',
  description: 'initial margin in use on each perp venue stays within marginUsePctMax % of its margin balance',
  check(input: InvariantInput) {
    const max = input.limits.marginUsePctMax;
    if (max === undefined) return notConfigured('marginUse', 'limits.marginUsePctMax');
    const limit = toUnits(max);
    const samples = input.trace
      .filter((e) => e.type === 'venue.margin' && e.tMs <= input.durationMs)
      .map((e) => {
        const venue = String(e.venue);
        const asset = String(e['asset']);
        return { key: `${venue}\u0000${asset}`, tMs: e.tMs, sample: { venue, asset, tMs: e.tMs, initialMargin: toUnits(String(e['initialMargin'])), marginBalance: toUnits(String(e['marginBalance'])) } };
      });
    if (samples.length === 0) return result('marginUse', [], 'no perp venue in the run: no margin in use to check');
    // use % > max ⇔ 100 · initialMargin > max · marginBalance (when the balance is positive), exactly.
    const isOver = (s: MarginSample): boolean => s.initialMargin > 0n && (s.marginBalance <= 0n || 100n * s.initialMargin * ONE_UNITS > limit * s.marginBalance);
    const stretches = stretchesOver(samples, { isOver, isHigher: useAbove });
    const violations: Violation[] = stretches.map((s) => {
      const first = s.first;
      const peak = s.peak !== first ? `; at most ${describeUse(s.peak)} at ${atSec(s.peak.tMs)}` : '';
      const end = s.endMs === undefined ? 'still over when the run ended' : `within the limit again at ${atSec(s.endMs)}`;
      const excess = first.marginBalance > 0n ? percentUnits(first.initialMargin, first.marginBalance) - limit : undefined;
      return {
        tMs: s.startMs,
        venue: first.venue,
        ...(excess !== undefined ? { excess: fromUnits(excess) } : {}),
        message:
          `${first.venue}: initial margin ${formatUnits(first.initialMargin)} ${first.asset} was ${describeUse(first)} at ${atSec(s.startMs)}, ` +
          `over marginUsePctMax ${max}%${excess !== undefined ? ` by ${formatPercent(excess)} points` : ''}${peak}; ${end}`,
      };
    });
    return result('marginUse', violations);
  },
};

interface MarginSample {
  venue: string;
  asset: string;
  tMs: number;
  initialMargin: bigint;
  marginBalance: bigint;
}

/** 1 in the fixed-point units of `toUnits` (the limit is a percent in those units). */
const ONE_UNITS = toUnits('1');

/** "37.5% of margin balance 8000 USDT", or what is left when there is no balance. */
function describeUse(s: MarginSample): string {
  if (s.marginBalance <= 0n) return `in use with margin balance ${formatUnits(s.marginBalance)} ${s.asset} (nothing left to back it)`;
  return `${formatPercent(percentUnits(s.initialMargin, s.marginBalance))}% of margin balance ${formatUnits(s.marginBalance)} ${s.asset}`;
}

/** a's use is above b's, exactly (the venue engine orders margin use the same way). */
function useAbove(a: MarginSample, b: MarginSample): boolean {
  const unbounded = (x: MarginSample): boolean => x.initialMargin > 0n && x.marginBalance <= 0n;
  if (unbounded(b)) return false;
  if (unbounded(a)) return true;
  if (a.initialMargin === 0n) return false;
  if (b.initialMargin === 0n) return true;
  return a.initialMargin * b.marginBalance > b.initialMargin * a.marginBalance;
}
