import { absUnits, fromUnits, toUnits } from './units.ts';
import { result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * Exposure within limits, on ground truth: |inventory + Σ venue positions + Σ base coins held on
 * venues| ≤ netBaseMax, except
 * for at most `hedgeWithinSec` of *hedgeable* time per breach. Time counts toward the allowance
 * only while at least one venue is free of scenario faults (outage, rate limit, maintenance), so a
 * breach while every venue is down is not the policy's fault; a ban the policy earned itself does
 * not stop the allowance clock.
 *
 * With `unhedgedSecMax` the desk also bounds the whole breach, whatever its cause: exposure over
 * the limit for longer than that in one stretch is a violation even if no venue could take the
 * hedge — the limit no policy can meet (every venue down at once), stated as a limit.
 */
export const exposureInvariant: Invariant = {
  name: 'exposure',
  description: '|net base exposure| stays within netBaseMax, beyond hedgeWithinSec of hedgeable time',
  check(input: InvariantInput): InvariantResult {
    const limit = toUnits(input.limits.netBaseMax);
    const allowanceMs = input.limits.hedgeWithinSec * 1000;
    const endMs = input.durationMs;

    // Change points: exposure changes (trace) and venue availability changes (fault windows).
    const changes = new Map<number, Array<() => void>>();
    const at = (t: number, fn: () => void): void => {
      const list = changes.get(t) ?? [];
      list.push(fn);
      changes.set(t, list);
    };
    let inventory = 0n;
    const positions = new Map<string, bigint>();
    // Coins of the run's base asset held on venues (spot holdings, coin collateral) are exposure too.
    const holdings = new Map<string, bigint>();
    for (const event of input.trace) {
      if (event.type === 'inventory') {
        const value = toUnits(String(event['inventoryBase']));
        at(event.tMs, () => (inventory = value));
      } else if (event.type === 'venue.balance' && input.baseAsset !== undefined && event['asset'] === input.baseAsset) {
        const venue = String(event.venue);
        const wallet = toUnits(String(event['wallet']));
        at(event.tMs, () => holdings.set(venue, wallet));
      } else if (event.type === 'venue.position') {
        const venue = String(event.venue);
        const size = toUnits(String(event['size']));
        at(event.tMs, () => positions.set(venue, size));
      }
    }
    for (const fault of input.faults.faults) {
      at(Math.max(0, fault.startMs - input.startMs), () => undefined);
      at(Math.max(0, fault.endMs - input.startMs), () => undefined);
    }
    const times = [...changes.keys()].filter((t) => t <= endMs).sort((a, b) => a - b);
    times.push(endMs);

    const violations: Violation[] = [];
    const totalMaxMs = input.limits.unhedgedSecMax === undefined ? undefined : input.limits.unhedgedSecMax * 1000;
    let breachHedgeableMs = 0;
    let breachTotalMs = 0;
    let reported = false;
    let reportedTotal = false;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] ?? endMs;
      for (const fn of changes.get(t) ?? []) fn();
      const next = times[i + 1] ?? endMs;
      if (next <= t) continue;
      let net = inventory;
      for (const size of positions.values()) net += size;
      for (const coins of holdings.values()) net += coins;
      if (absUnits(net) <= limit) {
        breachHedgeableMs = 0;
        breachTotalMs = 0;
        reported = false;
        reportedTotal = false;
        continue;
      }
      const beforeTotal = breachTotalMs;
      breachTotalMs += next - t;
      if (totalMaxMs !== undefined && breachTotalMs > totalMaxMs && !reportedTotal) {
        reportedTotal = true;
        const excess = fromUnits(absUnits(net) - limit);
        violations.push({
          tMs: t + (totalMaxMs - beforeTotal),
          excess,
          message:
            `net exposure ${fromUnits(net)} base exceeded netBaseMax ${input.limits.netBaseMax} by ${excess} ` +
            `for more than unhedgedSecMax ${input.limits.unhedgedSecMax} s, counting time no venue could take the hedge`,
        });
      }
      const hedgeable = input.venues.some((v) => !input.faults.blocksTrading(v, input.startMs + t));
      if (!hedgeable) continue;
      const before = breachHedgeableMs;
      breachHedgeableMs += next - t;
      if (breachHedgeableMs > allowanceMs && !reported) {
        reported = true;
        const excess = fromUnits(absUnits(net) - limit);
        violations.push({
          tMs: t + (allowanceMs - before),
          excess,
          message:
            `net exposure ${fromUnits(net)} base exceeded netBaseMax ${input.limits.netBaseMax} by ${excess} ` +
            `for more than hedgeWithinSec ${input.limits.hedgeWithinSec} s while a venue could take the hedge`,
        });
      }
    }
    return result('exposure', violations);
  },
};

type InvariantResult = ReturnType<Invariant['check']>;
