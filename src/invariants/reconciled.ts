import type { TraceEvent } from '../sim/trace.ts';
import { holdingsSteps } from './holdings.ts';
import { absUnits, formatUnits, fromUnits, toUnits } from './units.ts';
import { atSec, notConfigured, result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * How far a policy's view may be from the venues' truth and still count as equal, base units per
 * venue and on the net: a millionth of a coin. Far below any venue's smallest order (0.001 BTC on
 * the shipped dialects) — so a view this close cannot lead to a different hedge — and far above
 * the float noise of a policy that books fills as JavaScript numbers (1e-8 rounding, sums of a few
 * hundred fills).
 */
export const RECONCILED_TOLERANCE_BASE = 0.000001;

/**
 * After recovery the policy knows what the desk holds, on ground truth: with `phases`, the view
 * the policy reports (`Policy.view`, recorded by the runner as `policy.view` at the recovery
 * deadline `chaosUntilSec + convergeWithinSec` and at the end of the run) equals what the venue
 * engines hold at that moment — per venue, its perp position plus the run's base coins in its
 * wallet; and the net, inventory included — within `RECONCILED_TOLERANCE_BASE`. The truth is read
 * from the trace up to the view's own event (`holdingsSteps`, the reading `exposure` uses), so a
 * fill recorded later in the same millisecond does not count against it.
 *
 * `converged` asks whether the desk is hedged; this asks whether the policy *knows* it is: a
 * policy whose books still carry an order it never resolved is hedged by luck and will hedge the
 * next change wrong. One violation per view that differs, listing every difference. Without
 * `phases` it checks nothing; a policy without `view` passes with a note; a run that ended before
 * the deadline passes with a note (nothing to observe).
 */
export const reconciledInvariant: Invariant = {
  name: 'reconciled',
  description: "the policy's view of every venue and of the net equals the venues' truth at the recovery deadline and at the end of the run",
  check(input: InvariantInput) {
    const phases = input.phases;
    if (phases === undefined) return notConfigured('reconciled', 'phases');
    const deadlineMs = Math.round((phases.chaosUntilSec + phases.convergeWithinSec) * 1000);
    const trace = input.trace.filter((e) => e.tMs <= input.durationMs);
    const views = trace.filter((e) => e.type === 'policy.view');
    if (input.durationMs < deadlineMs) return result('reconciled', [], `not observed: the run ended at ${atSec(input.durationMs)}, before the recovery deadline ${atSec(deadlineMs)}`);
    if (views.length === 0) return result('reconciled', [], 'not checked: the policy does not report its view');
    const tolerance = toUnits(RECONCILED_TOLERANCE_BASE);
    const violations: Violation[] = [];
    for (const view of views.filter((v) => v.tMs >= deadlineMs)) {
      const differences = compare(view, truthBefore(input, trace, view), tolerance);
      if (differences.length === 0) continue;
      const largest = differences.reduce((a, b) => (b.off > a.off ? b : a));
      const when = view['at'] === 'deadline' ? `at the recovery deadline ${atSec(view.tMs)}` : `at the end of the run (${atSec(view.tMs)})`;
      violations.push({
        tMs: view.tMs,
        ...(largest.venue !== undefined ? { venue: largest.venue } : {}),
        excess: fromUnits(largest.off),
        message: `the policy's view ${when} differs from the venues' truth by more than ${RECONCILED_TOLERANCE_BASE} base: ${differences.map((d) => d.text).join('; ')}`,
      });
    }
    return result('reconciled', violations);
  },
};

interface Truth {
  byVenue: Map<string, bigint>;
  net: bigint;
}

/** What the venues held just before the view event: positions plus base coins per venue, and the net. */
function truthBefore(input: InvariantInput, trace: readonly TraceEvent[], view: TraceEvent): Truth {
  const step = holdingsSteps({ trace: trace.filter((e) => e.seq < view.seq), ...(input.baseAsset !== undefined ? { baseAsset: input.baseAsset } : {}) }).at(-1);
  const byVenue = new Map<string, bigint>();
  for (const [venue, size] of step?.positions ?? []) byVenue.set(venue, (byVenue.get(venue) ?? 0n) + size);
  for (const [venue, held] of step?.coins ?? []) byVenue.set(venue, (byVenue.get(venue) ?? 0n) + held);
  return { byVenue, net: step?.net ?? 0n };
}

interface Difference {
  venue: string | undefined;
  off: bigint;
  text: string;
}

function compare(view: TraceEvent, truth: Truth, tolerance: bigint): Difference[] {
  const byVenue = (view['byVenue'] ?? {}) as Record<string, unknown>;
  const venues = [...new Set([...truth.byVenue.keys(), ...Object.keys(byVenue)])];
  const out: Difference[] = [];
  for (const venue of venues) {
    const reported = byVenue[venue];
    const held = truth.byVenue.get(venue) ?? 0n;
    const d = differenceOf(reported, held, tolerance);
    if (d !== undefined) out.push({ venue, off: d.off, text: `${venue} ${d.said} (venue holds ${formatUnits(held)}, off by ${d.offText})` });
  }
  const net = differenceOf(view['netBase'], truth.net, tolerance);
  if (net !== undefined) out.push({ venue: undefined, off: net.off, text: `net ${net.said} (truth ${formatUnits(truth.net)}, off by ${net.offText})` });
  return out;
}

/** How far a reported number is from the truth, when beyond the tolerance; a missing venue reads 0, a non-number is off by everything. */
function differenceOf(reported: unknown, truth: bigint, tolerance: bigint): { said: string; off: bigint; offText: string } | undefined {
  if (reported === undefined) {
    const off = absUnits(truth);
    return off > tolerance ? { said: 'not in the view', off, offText: formatUnits(off) } : undefined;
  }
  if (typeof reported !== 'number' || !Number.isFinite(reported)) return { said: String(reported), off: absUnits(truth), offText: 'an unreadable amount' };
  const off = absUnits(toUnits(reported) - truth);
  return off > tolerance ? { said: formatUnits(toUnits(reported)), off, offText: formatUnits(off) } : undefined;
}
