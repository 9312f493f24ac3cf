import type { Fault } from '../faults/index.ts';
import { atSec, result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * Requests per rolling 60 s a policy may send to a venue it knows is down, when the scenario sets
 * no `limits.downProbesPerMinMax`. Sized on the reference engine's probing (health.ts): one probe
 * per probe interval, 5 s doubling to 60 s, held at 5 s while the desk is stranded — 12 a minute
 * at its steadiest fastest — plus short bursts on top: while an order of unknown outcome waits on
 * the venue it is looked up every 1 s tick for up to `unknownWaitMs` (a third of
 * `hedgeWithinSec`), and a probe the venue answers with a non-retryable error is sent again on the
 * next tick. Its worst minute on the shipped scenarios is 15 (every-venue-down-then-recovery: the
 * bybit backup's 503s, probed every 5 s with such repeats). 20 leaves room for that and no more:
 * one request every 3 s. A policy asking once a second (60) is far above it.
 */
export const DOWN_PROBES_PER_MIN_DEFAULT = 20;

/** The rolling window the budget counts in. */
const WINDOW_MS = 60_000;

/**
 * No traffic to a venue known down beyond the probe budget, on ground truth. A venue is *down*
 * inside a window where it answers nothing useful: an `outage` of scope `all` at probability 1, or
 * a `maintenance` in phase `full` at probability 1 (the fault schedule; a partial outage or a
 * flaky path still answers part of the API, so traffic there is not probing a dead venue). It is
 * *known* down from the first "down" answer the policy got inside that window — a `response`
 * carrying that fault's id (refused, reset, a 5xx or CDN page, the maintenance error, or the
 * timeout of a request that hung) — until the window ends.
 *
 * While known down, requests to the venue (any endpoint: probes, status polls, lookups, orders)
 * count per rolling 60 s; each one that makes more than `limits.downProbesPerMinMax` (default
 * `DOWN_PROBES_PER_MIN_DEFAULT`) in the 60 s up to and including it is a violation. Requests sent
 * before the first down answer are the policy finding out, and are free.
 */
export const probeBudgetInvariant: Invariant = {
  name: 'probeBudget',
  description: 'requests to a venue known down (outage or full maintenance) stay within downProbesPerMinMax per rolling 60 s',
  check(input: InvariantInput) {
    const budget = input.limits.downProbesPerMinMax ?? DOWN_PROBES_PER_MIN_DEFAULT;
    const windows = input.faults.faults
      .filter(isDown)
      .filter((f) => input.venues.includes(f.venue))
      .map((f) => ({ fault: f, startMs: f.startMs - input.startMs, endMs: f.endMs - input.startMs, knownMs: undefined as number | undefined, knownWhy: '' }));
    if (windows.length === 0) return result('probeBudget', [], 'not checked: no venue is down (outage of scope all, or full maintenance) in the scenario');

    const violations: Violation[] = [];
    /** Requests sent while known down, per venue, in time order. */
    const sent = new Map<string, { times: number[]; first: number }>();
    for (const event of input.trace) {
      if (event.tMs > input.durationMs || event.venue === undefined) continue;
      if (event.type === 'response' && typeof event['faultId'] === 'string') {
        const w = windows.find((x) => x.fault.id === event['faultId'] && x.knownMs === undefined && event.tMs >= x.startMs && event.tMs < x.endMs);
        if (w !== undefined) {
          w.knownMs = event.tMs;
          w.knownWhy = `${String(event['outcome'])} on ${String(event['endpoint'])}`;
        }
      } else if (event.type === 'request') {
        const w = windows.find((x) => x.fault.venue === event.venue && x.knownMs !== undefined && event.tMs >= x.knownMs && event.tMs < x.endMs);
        if (w === undefined) continue;
        const venue = sent.get(event.venue) ?? { times: [], first: 0 };
        sent.set(event.venue, venue);
        venue.times.push(event.tMs);
        while ((venue.times[venue.first] ?? Infinity) <= event.tMs - WINDOW_MS) venue.first += 1;
        const inWindow = venue.times.length - venue.first;
        if (inWindow <= budget) continue;
        violations.push({
          tMs: event.tMs,
          venue: event.venue,
          excess: inWindow - budget,
          message:
            `${event.venue}: ${inWindow} requests in the 60 s up to ${atSec(event.tMs)} (this one ${String(event['endpoint'])}) while known down — ` +
            `${w.fault.kind} ${w.fault.id} from ${atSec(w.startMs)} to ${atSec(w.endMs)}, first answered ${w.knownWhy} at ${atSec(w.knownMs ?? 0)} — ` +
            `over downProbesPerMinMax ${budget} by ${inWindow - budget}`,
        });
      }
    }
    return result('probeBudget', violations);
  },
};

/** A window in which the venue answers nothing useful: every request refused, or trading and account both closed. */
function isDown(f: Fault): boolean {
  return (f.kind === 'outage' && f.scope === 'all' && f.probability >= 1) || (f.kind === 'maintenance' && f.phase === 'full' && f.probability >= 1);
}
