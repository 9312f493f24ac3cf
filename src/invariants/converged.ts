import { describeHoldings, holdingsSteps, type HoldingsStep } from './holdings.ts';
import { stretchesOver } from './stretches.ts';
import { absUnits, formatUnits, fromUnits, toUnits } from './units.ts';
import { atSec, notConfigured, result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * Liveness after chaos, on ground truth: with `phases`, the faults are over at `chaosUntilSec`
 * and by `chaosUntilSec + convergeWithinSec` the desk is hedged again — |net exposure| ≤
 * netBaseMax, net exposure read exactly as the exposure invariant reads it (inventory +
 * positions + base coins held) — and stays so to the end of the run: a client trade in recovery
 * must be hedged within `hedgeWithinSec`, as in calm times (every venue is back, so unlike the
 * exposure invariant there is no excuse of a venue that cannot take the hedge).
 *
 * One violation for not being hedged at the deadline, one per later stretch over the limit.
 * Without `phases` it checks nothing; a run that ended before the deadline (interrupted) passes
 * with a note, as convergence could not be observed.
 */
export const convergedInvariant: Invariant = {
  name: 'converged',
  description: 'hedged within netBaseMax by chaosUntilSec + convergeWithinSec, and to the end of the run',
  check(input: InvariantInput) {
    const phases = input.phases;
    if (phases === undefined) return notConfigured('converged', 'phases');
    const deadlineMs = Math.round((phases.chaosUntilSec + phases.convergeWithinSec) * 1000);
    const endMs = input.durationMs;
    if (endMs < deadlineMs) return result('converged', [], `not observed: the run ended at ${atSec(endMs)}, before the recovery deadline ${atSec(deadlineMs)}`);
    const limit = toUnits(input.limits.netBaseMax);
    const steps = holdingsSteps(input);

    // The state holding at the deadline, then every change until the end (a change at the very
    // end holds for no time, as in exposure).
    const atDeadline = steps.filter((s) => s.tMs <= deadlineMs).at(-1);
    const samples = [
      { key: 'desk', tMs: deadlineMs, sample: atDeadline },
      ...steps.filter((s) => s.tMs > deadlineMs && s.tMs < endMs).map((step) => ({ key: 'desk', tMs: step.tMs, sample: step as HoldingsStep | undefined })),
    ];
    const over = (s: HoldingsStep | undefined): bigint => absUnits(s?.net ?? 0n) - limit;
    const allowanceMs = input.limits.hedgeWithinSec * 1000;
    const stretches = stretchesOver(samples, { isOver: (s) => over(s) > 0n, isHigher: (a, b) => over(a) > over(b) }).filter(
      // At the deadline nothing is allowed; a later change gets hedgeWithinSec to be hedged.
      (s) => s.startMs === deadlineMs || (s.endMs ?? endMs) - s.startMs > allowanceMs,
    );
    const deadline = `the recovery deadline ${atSec(deadlineMs)} (chaosUntilSec ${phases.chaosUntilSec} + convergeWithinSec ${phases.convergeWithinSec})`;
    const violations: Violation[] = stretches.map((s) => {
      const excess = over(s.first);
      const net = `net exposure ${formatUnits(s.first?.net ?? 0n)} base (${describeHoldings(s.first)})`;
      const what =
        s.startMs === deadlineMs
          ? `not hedged by ${deadline}: ${net}, over netBaseMax ${input.limits.netBaseMax} by ${formatUnits(excess)}`
          : `hedge lost at ${atSec(s.startMs)}, after ${deadline}, for more than hedgeWithinSec ${input.limits.hedgeWithinSec} s: ${net}, over netBaseMax ${input.limits.netBaseMax} by ${formatUnits(excess)}`;
      const end =
        s.endMs === undefined
          ? `still over when the run ended at ${atSec(endMs)}`
          : `within the limit again at ${atSec(s.endMs)}${s.startMs === deadlineMs ? `, ${((s.endMs - deadlineMs) / 1000).toFixed(3)} s late` : ''}`;
      return { tMs: s.startMs, excess: fromUnits(excess), message: `${what}; ${end}` };
    });
    return result('converged', violations);
  },
};
