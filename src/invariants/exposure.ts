import { holdingsSteps } from './holdings.ts';
import { AccountReads, reveals } from './lookups.ts';
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
 * Nor does time count while the excess is what an order of unknown outcome could have hedged:
 * an order placement (its size, `orderBase`, stated on the request) whose answer never came
 * (timeout, reset, 5xx), which the venue did not fill on ground truth, which no read on its venue
 * has resolved yet (an `account` read sent after the failed answer that answered ok, judged as
 * `noDoubleHedge` judges reads: lookups.ts) — and only
 * while no such read could be answered: the venue's API is down for sure (`blocksReading`), or a
 * 429 storm the scenario forced told the policy to wait (its `Retry-After` or stated reset, which
 * `retryAfter` holds the policy to; a refusal the policy earned by overspending the venue's own
 * budget, and any ban, excuse nothing). A
 * policy must not hedge that quantity again before it knows (`noDoubleHedge`), so the exposure it
 * leaves is not held against it while it cannot know — only what is over beyond it, in the
 * direction the order went. Once the venue answers reads, a policy that does not look the order up
 * is on the clock again. An order sent to a venue whose last answer was already a failure is no
 * excuse: the policy had been warned (a policy that keeps sending hedges into a dark venue gets
 * no allowance for them).
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
    const unknowns = unknownOrders(input);
    for (const u of unknowns) {
      changes.add(u.fromMs);
      if (u.untilMs !== undefined) changes.add(u.untilMs);
    }
    const waits = injectedWaits(input);
    for (const w of waits) {
      changes.add(w.fromMs);
      changes.add(w.untilMs);
    }
    const cannotRead = (venue: string, t: number): boolean => input.faults.blocksReading(venue, input.startMs + t) || waits.some((w) => w.venue === venue && w.fromMs <= t && t < w.untilMs);
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
      // What unresolved orders of unknown outcome, in the direction that would bring it back, could have hedged.
      const reducing = net > 0n ? 'sell' : 'buy';
      const couldHaveHedged = unknowns
        .filter((u) => u.side === reducing && u.fromMs <= t && (u.untilMs === undefined || u.untilMs > t) && cannotRead(u.venue, t))
        .reduce((a, u) => a + u.base, 0n);
      if (absUnits(net) - couldHaveHedged <= limit) continue;
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

/** An order placement whose outcome the policy could not know, from its failed answer until a read on its venue resolved it. */
interface UnknownOrder {
  venue: string;
  side: 'buy' | 'sell';
  /** Base units it would have traded and the venue did not fill (fixed-point units). */
  base: bigint;
  fromMs: number;
  untilMs: number | undefined;
}

const UNKNOWN_OUTCOMES = new Set(['timeout', 'reset', 'http5xx']);

/**
 * Waits a venue stated in rate-limit refusals the scenario forced (a `response` carrying the
 * `faultId` of a rateLimit fault without `budgetPct`: a 429 storm): from the answer to its
 * `Retry-After`, or to its stated reset. A policy that honours them (`retryAfter`) cannot read the
 * venue meanwhile. Refusals of the venue's own budget — shrunk by a `budgetPct` fault or not —
 * were earned by the policy's request rate and excuse nothing.
 */
function injectedWaits(input: InvariantInput): Array<{ venue: string; fromMs: number; untilMs: number }> {
  const storms = new Set(input.faults.faults.filter((f) => f.kind === 'rateLimit' && f.budgetPct === undefined).map((f) => f.id));
  const out: Array<{ venue: string; fromMs: number; untilMs: number }> = [];
  for (const e of input.trace) {
    if (e.type !== 'response' || e['outcome'] !== 'rateLimited' || !storms.has(String(e['faultId'])) || e.venue === undefined) continue;
    const retryAtMs = e['retryAtMs'];
    const retryAfterSec = e['retryAfterSec'];
    const untilMs = typeof retryAtMs === 'number' ? retryAtMs : typeof retryAfterSec === 'number' ? e.tMs + retryAfterSec * 1000 : undefined;
    if (untilMs !== undefined && untilMs > e.tMs) out.push({ venue: String(e.venue), fromMs: e.tMs, untilMs });
  }
  return out;
}

function unknownOrders(input: InvariantInput): UnknownOrder[] {
  const trace = input.trace.filter((e) => e.tMs <= input.durationMs);
  const reads = new AccountReads();
  const sentAt = new Map<number, { index: number; warned: boolean }>();
  /** Per venue: whether its last answer to the policy was a failure (a sign it was failing). */
  const failing = new Map<string, boolean>();
  const open: Array<UnknownOrder & { afterSeq: number }> = [];
  const out: UnknownOrder[] = [];
  for (const [i, e] of trace.entries()) {
    const read = reads.observe(e);
    const reqId = typeof e['reqId'] === 'number' ? e['reqId'] : undefined;
    if (reqId === undefined) continue;
    if (e.type === 'request') {
      sentAt.set(reqId, { index: i, warned: failing.get(String(e.venue)) === true });
      continue;
    }
    if (e.type !== 'response') continue;
    failing.set(String(e.venue), e['outcome'] !== 'ok' && e['outcome'] !== 'http4xx');
    if (read !== undefined) {
      for (const u of [...open]) {
        if (!reveals(read, { venue: u.venue, afterSeq: u.afterSeq, atMs: u.fromMs })) continue;
        u.untilMs = e.tMs;
        open.splice(open.indexOf(u), 1);
      }
      continue;
    }
    const req = reads.request(reqId);
    const sent = sentAt.get(reqId);
    if (req === undefined || sent === undefined) continue;
    const side = req['side'];
    // Sent into a venue whose last answer was already a failure: the policy had been warned.
    if (sent.warned) continue;
    if (Number(req['orderCount'] ?? 0) !== 1 || (side !== 'buy' && side !== 'sell') || req['orderBase'] === undefined || !UNKNOWN_OUTCOMES.has(String(e['outcome']))) continue;
    // What the venue filled of it, on ground truth (its engine books it while the transport waits).
    let filled = 0n;
    for (let j = sent.index + 1; j < i; j++) {
      const o = trace[j]!;
      if (o.type === 'venue.order' && o.venue === e.venue && o['side'] === side) filled = toUnits(String(o['filledQty'] ?? '0'));
    }
    const base = toUnits(String(req['orderBase'])) - filled;
    if (base <= 0n) continue;
    const u = { side, base, fromMs: e.tMs, untilMs: undefined, venue: String(e.venue), afterSeq: e.seq } as UnknownOrder & { afterSeq: number };
    open.push(u);
    out.push(u);
  }
  return out;
}
