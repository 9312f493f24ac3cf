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
 *
 * Who pushed it over decides when it counts:
 * - **An order of ours** (the sample that crossed the limit came with an order or a fill on that
 *   venue, at the same moment): a violation at once — the policy put more margin to use than the
 *   cap allows.
 * - **The market** (the price moved against a position, no trading of ours then): no policy can
 *   stop a jump, only answer it. The stretch is a violation once it lasts longer than
 *   `hedgeWithinSec` — the same time to act the exposure limit gives — or at once if an order of
 *   ours puts more margin to use on that venue while it is over.
 * Margin in use with no margin balance left is over any limit. One violation per stretch over
 * the limit, per venue and margin asset. Without the limit it checks nothing.
 */
export const marginUseInvariant: Invariant = {
  name: 'marginUse',
  description: 'initial margin in use on each perp venue stays within marginUsePctMax % of its margin balance (a price move gets hedgeWithinSec to be answered)',
  check(input: InvariantInput) {
    const max = input.limits.marginUsePctMax;
    if (max === undefined) return notConfigured('marginUse', 'limits.marginUsePctMax');
    const limit = toUnits(max);
    const allowanceMs = input.limits.hedgeWithinSec * 1000;
    // Moments an order of ours reached each venue (accepted or filled): what it did to margin is ours.
    const ours = new Set<string>();
    for (const e of input.trace) if (e.type === 'venue.order' || e.type === 'venue.fill') ours.add(`${String(e.venue)}\u0000${e.tMs}`);
    const samples = input.trace
      .filter((e) => e.type === 'venue.margin' && e.tMs <= input.durationMs)
      .map((e) => {
        const venue = String(e.venue);
        const asset = String(e['asset']);
        return { key: `${venue}\u0000${asset}`, tMs: e.tMs, sample: { venue, asset, tMs: e.tMs, initialMargin: toUnits(String(e['initialMargin'])), marginBalance: toUnits(String(e['marginBalance'])), ours: ours.has(`${venue}\u0000${e.tMs}`) } };
      });
    if (samples.length === 0) return result('marginUse', [], 'no perp venue in the run: no margin in use to check');
    // use % > max ⇔ 100 · initialMargin > max · marginBalance (when the balance is positive), exactly.
    const isOver = (s: MarginSample): boolean => s.initialMargin > 0n && (s.marginBalance <= 0n || 100n * s.initialMargin * ONE_UNITS > limit * s.marginBalance);
    const violations: Violation[] = [];
    for (const stretch of stretchesOver(samples, { isOver, isHigher: useAbove, keepSamples: true })) {
      const first = stretch.first;
      const describeEnd = (): string => (stretch.endMs === undefined ? 'still over when the run ended' : `within the limit again at ${atSec(stretch.endMs)}`);
      const peakNote = (upToMs: number): string => (stretch.peak !== first && stretch.peak.tMs <= upToMs ? `; at most ${describeUse(stretch.peak)} at ${atSec(stretch.peak.tMs)}` : '');
      const excessOf = (s: MarginSample): bigint | undefined => (s.marginBalance > 0n ? percentUnits(s.initialMargin, s.marginBalance) - limit : undefined);
      const over = (s: MarginSample): string => {
        const excess = excessOf(s);
        return `over marginUsePctMax ${max}%${excess !== undefined ? ` by ${formatPercent(excess)} points` : ''}`;
      };
      const withExcess = (s: MarginSample): { excess?: number } => {
        const excess = excessOf(s);
        return excess !== undefined ? { excess: fromUnits(excess) } : {};
      };
      if (first.ours) {
        violations.push({
          tMs: stretch.startMs,
          venue: first.venue,
          ...withExcess(first),
          message: `${first.venue}: initial margin ${formatUnits(first.initialMargin)} ${first.asset} was ${describeUse(first)} at ${atSec(stretch.startMs)}, ${over(first)}${peakNote(Infinity)}; ${describeEnd()}`,
        });
        continue;
      }
      // The market pushed it over. An order of ours that adds margin on the venue meanwhile breaks it at once.
      const samplesIn = stretch.samples ?? [first];
      let previous = first;
      const added = samplesIn.find((s) => {
        const more = s.ours && s.initialMargin > previous.initialMargin;
        previous = s;
        return more;
      });
      const lastedMs = (stretch.endMs ?? input.durationMs) - stretch.startMs;
      const dueMs = stretch.startMs + allowanceMs;
      const cause = `after a price move at ${atSec(stretch.startMs)} took it to ${describeUse(first)}, ${over(first)}`;
      if (added !== undefined && added.tMs <= dueMs) {
        violations.push({
          tMs: added.tMs,
          venue: first.venue,
          ...withExcess(added),
          message: `${first.venue}: an order of ours put more margin to use (${formatUnits(added.initialMargin)} ${first.asset}, ${describeUse(added)}) at ${atSec(added.tMs)} ${cause}; ${describeEnd()}`,
        });
      } else if (lastedMs > allowanceMs) {
        violations.push({
          tMs: dueMs,
          venue: first.venue,
          ...withExcess(first),
          message: `${first.venue}: initial margin ${formatUnits(first.initialMargin)} ${first.asset} stayed over marginUsePctMax ${max}% for more than hedgeWithinSec ${input.limits.hedgeWithinSec} s ${cause}${peakNote(dueMs)}; ${describeEnd()}`,
        });
      }
    }
    violations.sort((a, b) => a.tMs - b.tMs);
    return result('marginUse', violations);
  },
};

interface MarginSample {
  venue: string;
  asset: string;
  tMs: number;
  initialMargin: bigint;
  marginBalance: bigint;
  /** An order of ours reached the venue at this moment. */
  ours: boolean;
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
