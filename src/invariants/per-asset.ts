import { baseOf } from '../scenario/markets.ts';
import type { TraceEvent } from '../sim/trace.ts';
import { convergedInvariant } from './converged.ts';
import { exposureInvariant } from './exposure.ts';
import { grossPerVenueInvariant } from './gross-per-venue.ts';
import { noDoubleHedgeInvariant } from './no-double-hedge.ts';
import { reconciledInvariant } from './reconciled.ts';
import type { Invariant, InvariantInput, InvariantResult, Violation } from './types.ts';

/**
 * Runs with several coins (BTC and ETH hedged side by side): each invariant that reasons about
 * one coin is run once per coin, on that coin's share of the trace, with that coin's limits, and
 * the results are merged into one per invariant. The invariants themselves stay single-coin.
 *
 * With no `assets`, or only one, nothing is split: `checkInvariants` calls every invariant on the
 * input as given, exactly as before multi-coin runs existed.
 */

/**
 * The invariants that run once per coin. An invariant is *per coin* when what it judges is the
 * desk's holdings of one coin: it reads `holdingsSteps` (inventory + positions + base coins held,
 * netted together — a BTC short must never net against an ETH long), `baseAsset`,
 * `limits.netBaseMax` or `limits.grossBaseMaxPerVenue`, or the policy's view of those holdings:
 *
 * - `exposure`: |net of one coin| ≤ that coin's netBaseMax; its allowance for orders of unknown
 *   outcome sizes them against that coin's excess.
 * - `grossPerVenue`: |position| + coins of one coin held on a venue ≤ that coin's cap.
 * - `converged`: that coin's net is back within its netBaseMax after chaos.
 * - `noDoubleHedge`: a placement trades a lost order's quantity again only if both are the same
 *   coin, sized against that coin's net.
 * - `reconciled`: the policy's view of one coin (`policy.view`'s `byAsset`) against that coin's truth.
 *
 * Every other invariant is *venue-wide* and runs once on the whole trace: it judges the venue or
 * the connection, whatever coin the traffic is for — rate limits and bans (`retryAfter`,
 * `noBan`), probing a down venue (`probeBudget`), the margin account shared by every position on
 * a venue (`marginUse`), and liquidations (`noLiquidation`, any position of any coin). Splitting
 * those would miss breaches that only the sum of the coins' traffic or margin makes.
 *
 * A new invariant that reasons about one coin belongs here; an invariant not listed (a custom one
 * passed to `checkInvariants`) runs once on the whole trace, as it always did.
 */
export const PER_ASSET_INVARIANTS: ReadonlySet<Invariant> = new Set<Invariant>([
  exposureInvariant,
  grossPerVenueInvariant,
  convergedInvariant,
  noDoubleHedgeInvariant,
  reconciledInvariant,
]);

/** Whether `invariant` runs once per coin in a multi-coin run (see `PER_ASSET_INVARIANTS`). */
export function isPerAsset(invariant: Invariant): boolean {
  return PER_ASSET_INVARIANTS.has(invariant);
}

/** Whether `input` is a multi-coin run: two or more `assets`. */
export function isMultiAsset(input: InvariantInput): boolean {
  return input.assets !== undefined && input.assets.length > 1;
}

/** An event about no coin in particular: it goes to every coin's trace. */
const EVERY = Symbol('every coin');

/** "ETH" of "ETH/USDT:USDT"; undefined without a symbol. */
function coinOfSymbol(symbol: unknown): string | undefined {
  return typeof symbol === 'string' ? baseOf(symbol) : undefined;
}

/**
 * The coin an event is about, as the runner writes multi-coin traces; `first` when an event that
 * is about a coin does not name one (single-coin writers name none). Events about no coin in
 * particular (requests that place no order, responses, faults, margin, decisions, run markers,
 * balances in a quote currency…) are `EVERY` coin's: a read of a venue can reveal an order of any
 * coin, and a venue's failures are every coin's.
 */
function coinOf(e: TraceEvent, first: string, coins: ReadonlySet<string>): string | typeof EVERY {
  switch (e.type) {
    case 'inventory':
      return typeof e['asset'] === 'string' ? e['asset'] : first;
    case 'venue.position':
    case 'venue.order':
    case 'venue.fill':
      return coinOfSymbol(e['symbol']) ?? first;
    case 'venue.balance':
      // A balance in a coin of the run is that coin's holding; USDT and the like belong to none
      // (holdingsSteps counts only `baseAsset` balances, so they are harmless everywhere).
      return typeof e['asset'] === 'string' && coins.has(e['asset']) ? e['asset'] : EVERY;
    case 'request':
      if (Number(e['orderCount'] ?? 0) > 0) return typeof e['orderAsset'] === 'string' ? e['orderAsset'] : first;
      return EVERY;
    default:
      return EVERY;
  }
}

/**
 * The `policy.view` event as coin `asset` sees it. Its top-level `netBase` and `byVenue` are the
 * first coin's (the event as recorded); another coin's are in `byAsset[asset]`, and a view
 * without them is not that coin's (dropped: `reconciled` then finds no view for it and says it
 * checked nothing, as for a policy that reports no view).
 */
function viewFor(e: TraceEvent, asset: string, first: string): TraceEvent | undefined {
  if (asset === first) return e;
  const byAsset = e['byAsset'];
  if (byAsset === null || typeof byAsset !== 'object') return undefined;
  const mine = (byAsset as Record<string, unknown>)[asset];
  if (mine === null || typeof mine !== 'object') return undefined;
  const { byAsset: _others, ...rest } = e;
  const { netBase, byVenue } = mine as Record<string, unknown>;
  return { ...rest, netBase, byVenue };
}

/**
 * A multi-coin trace split per coin, in the order of `assets` (the first coin is the one events
 * that name no coin belong to). Events keep their `seq` and `tMs` and are the same objects,
 * except each coin's `policy.view`, rewritten as that coin's view. An event about a coin that is
 * not in `assets` goes to no coin's trace: `assets` must name every coin the run trades.
 */
export function splitTraceByAsset(trace: readonly TraceEvent[], assets: readonly string[]): Array<{ asset: string; trace: TraceEvent[] }> {
  const first = assets[0];
  if (first === undefined) return [];
  const coins = new Set(assets);
  const out = assets.map((asset) => ({ asset, trace: [] as TraceEvent[] }));
  for (const e of trace) {
    if (e.type === 'policy.view') {
      for (const part of out) {
        const view = viewFor(e, part.asset, first);
        if (view !== undefined) part.trace.push(view);
      }
      continue;
    }
    const coin = coinOf(e, first, coins);
    for (const part of out) if (coin === EVERY || coin === part.asset) part.trace.push(e);
  }
  return out;
}

/**
 * One input per coin of a multi-coin run: that coin's trace, `baseAsset`, and the run's limits
 * with `netBaseMax` and `grossBaseMaxPerVenue` the coin's (the others shared). No `assets` on
 * them: each is a single-coin input.
 */
export function inputsPerAsset(input: InvariantInput): Array<{ asset: string; input: InvariantInput }> {
  const assets = input.assets ?? [];
  const traces = splitTraceByAsset(input.trace, assets.map((a) => a.asset));
  const { assets: _all, ...shared } = input;
  return assets.map((a, i) => {
    const { grossBaseMaxPerVenue: _runs, ...limits } = input.limits;
    return {
      asset: a.asset,
      input: {
        ...shared,
        trace: traces[i]?.trace ?? [],
        baseAsset: a.asset,
        limits: { ...limits, netBaseMax: a.netBaseMax, ...(a.grossBaseMaxPerVenue !== undefined ? { grossBaseMaxPerVenue: a.grossBaseMaxPerVenue } : {}) },
      },
    };
  });
}

/**
 * One result from each coin's: passed if every coin passed; violations summed; the first
 * violation the earliest of the coins' (by `tMs`; at the same moment, the earlier coin's), its
 * message prefixed with its coin ("ETH: …"); a note only if every coin's result has one (e.g. all
 * "not checked: …"), the first coin's — a note says the check saw nothing, which is true of the
 * whole only if true of every coin.
 */
export function mergePerAsset(name: string, perAsset: ReadonlyArray<{ asset: string; result: InvariantResult }>): InvariantResult {
  let first: { asset: string; violation: Violation } | undefined;
  for (const { asset, result } of perAsset) {
    const v = result.firstViolation;
    if (v !== null && (first === undefined || v.tMs < first.violation.tMs)) first = { asset, violation: v };
  }
  const notes = perAsset.map((p) => p.result.note);
  const note = notes.length > 0 && notes.every((n) => n !== undefined) ? notes[0] : undefined;
  return {
    name,
    passed: perAsset.every((p) => p.result.passed),
    firstViolation: first === undefined ? null : { ...first.violation, message: `${first.asset}: ${first.violation.message}` },
    numViolations: perAsset.reduce((n, p) => n + p.result.numViolations, 0),
    ...(note !== undefined ? { note } : {}),
  };
}

/** `invariant` run once per coin of a multi-coin `input` (`perCoin`: from `inputsPerAsset`), merged. */
export function checkPerAsset(invariant: Invariant, perCoin: ReadonlyArray<{ asset: string; input: InvariantInput }>): InvariantResult {
  const results = perCoin.map(({ asset, input }) => ({ asset, result: invariant.check(input) }));
  return mergePerAsset(results[0]?.result.name ?? invariant.name, results);
}
