import { holdingsSteps } from './holdings.ts';
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
    const steps = holdingsSteps(input);
    const changes = new Set(steps.map((s) => s.tMs));
    for (const fault of input.faults.faults) {
      changes.add(Math.max(0, fault.startMs - input.startMs));
      changes.add(Math.max(0, fault.endMs - input.startMs));
    }
    const times = [...changes].filter((t) => t <= endMs).sort((a, b) => a - b);
    times.push(endMs);

    const violations: Violation[] = [];
    const totalMaxMs = input.limits.unhedgedSecMax === undefined ? undefined : input.limits.unhedgedSecMax * 1000;
    let breachHedgeableMs = 0;
    let breachTotalMs = 0;
    let reported = false;
    let reportedTotal = false;
    let net = 0n;
    let k = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] ?? endMs;
      for (let step = steps[k]; step !== undefined && step.tMs <= t; step = steps[++k]) net = step.net;
      const next = times[i + 1] ?? endMs;
      if (next <= t) continue;
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
