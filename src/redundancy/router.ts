/**
 * The hedge router: which venue(s) take a hedge, and how much each. A pure function over a
 * snapshot the engine keeps (reference.ts) — health, positions, cached balances, fees and the
 * desk's caps — so it costs no request and is unit-testable.
 *
 * The rule:
 * 1. Only venues health says can take a hedge now (`tradable`), in order of preference: the
 *    primary first (the desk's home: hedges go back there as soon as it can take them), then the
 *    other perp venues by taker fee, cheapest first, the scenario's order breaking ties; then the
 *    spot venues in the scenario's order — selling (or buying) coins moves the desk's own
 *    holdings, and which to touch first is the desk's call, stated by the order it lists them.
 *    Venues marked `lastResort` (e.g. a maintenance window starts soon) come after every other.
 * 2. Each venue takes what it can of what is left: all of it that reduces what it holds (always
 *    allowed: it lowers every cap's use), plus what it can open within
 *    - `grossBaseMaxPerVenue`: |position| + base coins held there after the order ≤ the cap;
 *    - its free margin (perps: free settle asset ≥ the initial margin and fee the opening needs;
 *      spot: coins to sell, quote to buy with);
 *    - `marginUsePctMax` (perps): initial margin after the order (|position| × price ÷ leverage,
 *      plus what other markets use) ≤ pct × margin balance.
 *    Every estimate keeps `headroomFraction` spare: prices move between the decision and the
 *    fill, and after it (a short hedge's margin grows as the price rises while its balance falls).
 * 3. What one venue cannot take goes to the next: the hedge is split. Legs below a venue's
 *    minimum size are skipped. What no venue can take stays unhedged, and the reason says why.
 *
 * Book depth is not used: reading it costs a request per venue per hedge (see the engine's docs).
 */

export interface RouteVenue {
  id: string;
  kind: 'linearPerp' | 'spot';
  /** Health, markets and the maintenance calendar allow a hedge here now. */
  tradable: boolean;
  /** Used only when no other venue can take the hedge (a maintenance window starts soon). */
  lastResort?: boolean;
  /** Base units held here, signed: the perp position, or on a spot venue the coins. */
  positionBase: number;
  /** Base coins in the wallet of a perp venue (they count in its gross); 0 on spot (they are the position). */
  coinsBase: number;
  /** Taker fee, a fraction of notional (ccxt `market.taker`). */
  takerFee: number;
  /** Smallest order, in base units; also the step sizes are floored to. */
  minBase: number;
  /** Perps: margin balance (wallet + unrealized PnL, ccxt free + used of the settle asset); undefined when never read. */
  marginBalance?: number | undefined;
  /** Perps: initial margin used by other markets on the venue (not this position). */
  otherInitialMargin?: number;
  /** Perps: leverage of the position (from ccxt position info, or assumed). */
  leverage?: number;
  /** Spot: quote coins free to buy with; undefined when never read. */
  freeQuote?: number | undefined;
}

export interface RouteRequest {
  /** The hedge: base units to trade, signed (+ buys). */
  signedBase: number;
  /** Quote per base, for margin; undefined leaves only limits that need no price (coins, gross). */
  price: number | undefined;
  /** In the scenario's order: the first is the primary. */
  venues: readonly RouteVenue[];
  limits: { grossBaseMaxPerVenue?: number | undefined; marginUsePctMax?: number | undefined };
  /** Share of every margin estimate kept spare (default 0.1). */
  headroomFraction?: number;
}

export type CapKind = 'gross cap' | 'margin use cap' | 'free margin' | 'coins held' | 'quote held' | 'margin unknown' | 'price unknown';

export interface Leg {
  venueId: string;
  /** Base units this venue trades, signed like the request. */
  signedBase: number;
  /** What stopped this venue taking more, if anything did. */
  limitedBy?: { kind: CapKind; capacityBase: number; detail: string } | undefined;
}

export interface Allocation {
  legs: Leg[];
  /** Base units (unsigned) no venue could take. */
  unallocatedBase: number;
  /** One sentence for the trace: "splitting 3 BTC: 2 on primary (gross cap 2), 1 on backup". */
  reason: string;
}

const DEFAULT_HEADROOM = 0.1;

const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

/** Floors `x` to a multiple of `step` (with a tolerance for binary fractions). */
function floorTo(x: number, step: number): number {
  if (!(step > 0)) return round8(x);
  return round8(Math.floor(x / step + 1e-9) * step);
}

/**
 * Preference order of every venue, given in the scenario's order (the first is the primary,
 * tradable or not): the primary, other perps by taker fee (scenario order on ties), spot venues
 * in the scenario's order, last resorts after all.
 */
export function rankVenues(venues: readonly RouteVenue[]): RouteVenue[] {
  const indexed = venues.map((v, i) => ({ v, i }));
  const tier = (x: { v: RouteVenue; i: number }): number => (x.v.lastResort === true ? 3 : x.i === 0 ? 0 : x.v.kind === 'spot' ? 2 : 1);
  return indexed
    .sort((a, b) => tier(a) - tier(b) || (tier(a) === 1 ? a.v.takerFee - b.v.takerFee : 0) || a.i - b.i)
    .map((x) => x.v);
}

interface Capacity {
  /** Base units (unsigned) this venue can trade in the hedge's direction. */
  base: number;
  limitedBy?: Leg['limitedBy'];
}

/**
 * How much of a hedge in direction `dir` (+1 buys, −1 sells) this venue can take: what reduces
 * its holding, plus the tightest of its opening limits.
 */
export function capacityOf(v: RouteVenue, dir: 1 | -1, req: Pick<RouteRequest, 'price' | 'limits' | 'headroomFraction'>): Capacity {
  const h = req.headroomFraction ?? DEFAULT_HEADROOM;
  const pos = v.positionBase;
  // The part that moves the holding toward zero: always allowed.
  const reducing = Math.sign(pos) === -dir ? Math.abs(pos) : 0;
  // After reducing, |holding| grows from max(0, |pos| in our direction).
  const heldSameSide = Math.sign(pos) === dir ? Math.abs(pos) : 0;
  const limits: Array<{ kind: CapKind; openBase: number; detail: string }> = [];

  const gross = req.limits.grossBaseMaxPerVenue;
  if (gross !== undefined) {
    const coins = Math.abs(v.coinsBase);
    limits.push({ kind: 'gross cap', openBase: gross - coins - heldSameSide, detail: `gross cap ${gross}` });
  }

  if (v.kind === 'spot') {
    // Spot holdings cannot go below zero: a sell takes the coins held, no more.
    if (dir < 0) limits.push({ kind: 'coins held', openBase: 0, detail: `${round8(Math.max(0, pos))} coins held` });
    else if (v.freeQuote !== undefined && req.price !== undefined) {
      limits.push({ kind: 'quote held', openBase: (v.freeQuote * (1 - h)) / (req.price * (1 + v.takerFee)), detail: `${round8(v.freeQuote)} quote free` });
    }
  } else {
    limits.push(...perpMarginLimits(v, heldSameSide, req, h));
  }

  let tightest: (typeof limits)[number] | undefined;
  for (const l of limits) if (tightest === undefined || l.openBase < tightest.openBase) tightest = l;
  const opening = tightest === undefined ? Infinity : Math.max(0, tightest.openBase);
  const base = reducing + opening;
  return tightest === undefined ? { base } : { base, limitedBy: { kind: tightest.kind, capacityBase: round8(base), detail: tightest.detail } };
}

/** A perp's opening limits from margin: its free margin, and `marginUsePctMax` when set. */
function perpMarginLimits(v: RouteVenue, heldSameSide: number, req: Pick<RouteRequest, 'price' | 'limits'>, h: number): Array<{ kind: CapKind; openBase: number; detail: string }> {
  const pct = req.limits.marginUsePctMax;
  if (v.marginBalance === undefined) {
    // Never read: the venue decides on free margin (a refusal makes health avoid it); a margin-use
    // cap cannot be judged, so nothing is opened against it.
    return pct === undefined ? [] : [{ kind: 'margin unknown', openBase: 0, detail: 'margin balance not read yet' }];
  }
  if (req.price === undefined) {
    // No price seen yet: free margin is the venue's to judge; a margin-use cap cannot be kept.
    return pct === undefined ? [] : [{ kind: 'price unknown', openBase: 0, detail: 'no price to size margin' }];
  }
  const lev = v.leverage !== undefined && v.leverage > 0 ? v.leverage : 1;
  const price = req.price * (1 + h);
  const imPerBase = price / lev;
  const other = v.otherInitialMargin ?? 0;
  const imHeld = other + heldSameSide * imPerBase;
  const out: Array<{ kind: CapKind; openBase: number; detail: string }> = [];
  const free = v.marginBalance - imHeld;
  out.push({ kind: 'free margin', openBase: (free * (1 - h)) / (imPerBase + price * v.takerFee), detail: `free margin ${round8(Math.max(0, free))}` });
  if (pct !== undefined) {
    // other + (held + open) × imPerBase ≤ pct% × (balance − fee on the opening), kept (1 − h).
    const room = (pct / 100) * v.marginBalance * (1 - h) - imHeld;
    out.push({ kind: 'margin use cap', openBase: room / (imPerBase + (pct / 100) * price * v.takerFee), detail: `margin use cap ${pct}%` });
  }
  return out;
}

/**
 * Margin use on a perp venue as the router sees it: initial margin of what it holds (at `price`,
 * no headroom) over its margin balance, in percent; undefined when its balance was never read or
 * no price is known.
 */
export function marginUsePctOf(v: RouteVenue, price: number | undefined): number | undefined {
  if (v.kind !== 'linearPerp' || v.marginBalance === undefined || price === undefined) return undefined;
  const lev = v.leverage !== undefined && v.leverage > 0 ? v.leverage : 1;
  const im = (v.otherInitialMargin ?? 0) + (Math.abs(v.positionBase) * price) / lev;
  if (im <= 0) return 0;
  return v.marginBalance <= 0 ? Infinity : (100 * im) / v.marginBalance;
}

/**
 * Base units to take off a perp venue whose margin use is over `marginUsePctMax` so that what
 * stays fits the same room an opening would get (the cap less `headroomFraction`, at a price
 * `headroomFraction` higher); 0 within the cap or without one. Pure.
 */
export function marginExcessOf(v: RouteVenue, req: Pick<RouteRequest, 'price' | 'limits' | 'headroomFraction'>): number {
  const pct = req.limits.marginUsePctMax;
  const use = marginUsePctOf(v, req.price);
  if (pct === undefined || use === undefined || req.price === undefined || v.marginBalance === undefined) return 0;
  const h = req.headroomFraction ?? DEFAULT_HEADROOM;
  const lev = v.leverage !== undefined && v.leverage > 0 ? v.leverage : 1;
  const imPerBase = (req.price * (1 + h)) / lev;
  const room = (pct / 100) * Math.max(0, v.marginBalance) * (1 - h) - (v.otherInitialMargin ?? 0);
  const keep = Math.max(0, room / imPerBase);
  return round8(Math.max(0, Math.abs(v.positionBase) - keep));
}

/**
 * Splits a hedge across the venues that can take it. Pure.
 *
 * @example
 * route({ signedBase: -3, price: 60000, limits: { grossBaseMaxPerVenue: 2 }, venues: [primary, backup] })
 * // → legs: primary −2 (gross cap 2), backup −1;
 * //   reason "splitting 3: 2 on primary (gross cap 2), 1 on backup"
 */
export function route(req: RouteRequest): Allocation {
  const total = round8(Math.abs(req.signedBase));
  const dir: 1 | -1 = req.signedBase >= 0 ? 1 : -1;
  const legs: Leg[] = [];
  const notes: string[] = [];
  let left = total;
  const candidates = rankVenues(req.venues).filter((v) => v.tradable);
  for (const v of candidates) {
    // Below the preferred venue's minimum, the hedge is dust: not worth a leg on a venue that takes smaller orders.
    if (left < v.minBase && legs.length === 0 && v === candidates[0]) break;
    if (left < v.minBase) continue;
    const cap = capacityOf(v, dir, req);
    const take = floorTo(Math.min(left, cap.base), v.minBase);
    const limited = cap.base < left ? cap.limitedBy : undefined;
    if (take < v.minBase || take <= 0) {
      if (limited !== undefined) notes.push(`${v.id} can take none (${limited.detail})`);
      continue;
    }
    legs.push({ venueId: v.id, signedBase: dir * take, limitedBy: limited });
    left = round8(left - take);
    if (left <= 0) break;
  }
  return { legs, unallocatedBase: left, reason: describe(total, legs, left, notes, req.venues.filter((v) => v.tradable).length) };
}

function describe(total: number, legs: readonly Leg[], left: number, notes: readonly string[], numTradable: number): string {
  const leg = (l: Leg): string => `${Math.abs(l.signedBase)} on ${l.venueId}${l.limitedBy !== undefined ? ` (${l.limitedBy.detail})` : ''}`;
  const skipped = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  if (legs.length === 0) {
    return numTradable === 0 ? `cannot place ${total}: no venue can take a hedge now` : `cannot place ${total}: no venue has room${skipped}`;
  }
  const unplaced = left > 0 ? `; ${left} unplaced, no venue has room for it` : '';
  if (legs.length === 1) return `placing ${total}: ${leg(legs[0]!)}${unplaced}${skipped}`;
  return `splitting ${total}: ${legs.map(leg).join(', ')}${unplaced}${skipped}`;
}
