import type { ExchangeClient, Policy, PolicyAsset, PolicyContext, PolicyVenue } from './policy.ts';
import { classifyError, retryAfterSecFrom, type ErrorMeaning } from './errors.ts';
import { VenueHealth } from './health.ts';
import { DEFAULT_BINANCE_LIMITS, RateGovernor, type Lane } from './governor.ts';
import { MaintenanceCalendar, announcedWindowsOf, announcesAhead } from './maintenance-calendar.ts';
import { capacityOf, marginExcessOf, marginUsePctOf, route, type RouteVenue } from './router.ts';
import { ExposureLedger, type ExposureInterval, type UnknownOrder } from './ledger.ts';

/**
 * The reference redundancy engine, v0.
 *
 * Keeps the desk's net exposure (inventory + hedges on every venue) near zero by trading the
 * linear perps (or spot coins) of the venues. Its parts, one module each:
 *
 * - venue health (health.ts): a state machine per venue — healthy, degraded, rateLimited, down
 *   (half-open probing on a budget), maintenance, recovering — fed by what ccxt raised *and what
 *   it means* (errors.ts);
 * - the maintenance calendar (maintenance-calendar.ts): windows the venues announce on their
 *   status endpoints, polled every `statusPollMs` where the venue can announce ahead. A hedge on a
 *   venue whose window starts within `maintenanceLeadMs` is moved to a healthy venue before it
 *   starts, and moved back once the window is over and the venue is reconciled;
 * - the rate-limit governor (governor.ts): budgets from the venues' usage headers; routine reads
 *   yield to orders when a budget is nearly spent;
 * - the hedge router (router.ts): the primary first while it can take the hedge, then the
 *   cheapest venue by taker fee, then last resorts (a venue due for maintenance, or kept off
 *   hedges because its order path lost an order); a hedge one venue cannot take whole (its free
 *   margin, the desk's `grossBaseMaxPerVenue` or `marginUsePctMax`) is split across venues. Under
 *   `marginUsePctMax`, a venue a price move took near or over the cap hands the excess to venues
 *   with room (`relieveMargin`; its margin is read every third of `hedgeWithinSec` while it holds
 *   a position). It works from a
 *   snapshot kept here at no extra request per hedge: balances are read with positions at each
 *   reconciliation (routine lane) and moved by our own fills in between; the price is the last
 *   mark or fill seen (one ticker read if a hedge comes before either); leverage is what ccxt's
 *   position says (or notional ÷ initial margin), else `ASSUMED_LEVERAGE`. Book depth is not
 *   read: it would cost a request per venue per hedge;
 * - the exposure ledger (ledger.ts): booked positions per venue (acknowledged fills, settled
 *   unknown orders, adopted reconciliation reads) and the orders whose outcome is unknown, giving
 *   the net the engine hedges and a worst-case interval over those orders; `view()` is the ledger.
 *   An order whose outcome is unknown (timeout, reset, 5xx…) is resolved by client order id on its
 *   venue before its quantity counts either way. While it waits, only exposure that is over in
 *   every outcome of it is hedged, and only against its direction — for as long as it takes: the
 *   lookup is sent every tick for the first third of `hedgeWithinSec`, then every minimum probe
 *   interval (the probe budget). Guessing would be a coin toss: the property search found a
 *   venue that filled an order, lost its answer and failed every read after it — hedging
 *   "assuming it did not execute" hedged it twice and left the desk over its limit the other
 *   way. `unknownWaitMs` (unset by default) restores that guess for a team that prefers it; the
 *   engine then keeps the order flagged until reconciled, and `noDoubleHedge` flags the run
 *   whenever the venue had taken the order;
 * - start-up: every venue sets up on its own (markets, then what the desk holds there), and the
 *   first hedge waits for all of them to have answered — at most a quarter of `hedgeWithinSec`
 *   and 5 s (`setupGraceMs`), then it hedges without the slow ones;
 * - markets: a venue whose market load failed (a 429 at start-up) loads them again from the
 *   background loop once it answers, and every HTTP request ccxt makes (several at once inside
 *   one loadMarkets) is held to the venue's Retry-After (`guardRequests`).
 *
 * Every decision is logged to the trace with its reason.
 *
 * Several coins (`ctx.assets`, e.g. BTC and ETH hedged together): each coin is hedged to its own
 * limits from its own books — ledger, unknown orders, last price, maintenance migrations, and its
 * instrument, position, leverage and wallet coins on each venue (`Coin`) — one after the other
 * every tick, in `ctx.assets` order. What is a fact about a *venue* is kept once and shared by
 * every coin: its health (down, Retry-After, ban, maintenance, order path lost…), its markets,
 * its request lock and the governor's budgets (two coins each keeping to their own budget would
 * together spend the venue's twice), the maintenance calendar, the client order ids, and its
 * money — the margin balance and what other markets use. A venue's position and balance are read
 * in one pass for every coin (one position read per coin, one balance read). A coin's hedge counts
 * the margin the other coins' positions take on the venue (`otherInitialMarginOf`), booked since
 * the last read. With one coin the engine is the single-coin engine it was: the same requests in
 * the same order, and the same decisions.
 */

export interface ReferenceOptions {
  /** How often the engine looks at exposure. */
  tickMs: number;
  probeIntervalMsMin: number;
  probeIntervalMsMax: number;
  statusPollMs: number;
  reconcileMs: number;
  /**
   * When set: how long an unknown order may block re-hedging its quantity elsewhere, after which
   * it is hedged elsewhere assuming it did not execute (breaks `noDoubleHedge` whenever the venue
   * had taken it). Unset (the default): wait until a lookup on its venue resolves it.
   */
  unknownWaitMs?: number;
  /** How long before an announced maintenance window the hedge is moved off the venue. */
  maintenanceLeadMs: number;
  /** Share of each rate-limit budget kept for orders (routine reads yield below it). */
  rateReserveFraction: number;
}

/** The longest the first hedge waits for every venue's first read (see `setupGraceMs`). */
const SETUP_GRACE_MS_MAX = 5_000;

const DEFAULTS: ReferenceOptions = {
  tickMs: 1000,
  probeIntervalMsMin: 5000,
  probeIntervalMsMax: 60_000,
  statusPollMs: 30_000,
  reconcileMs: 60_000,
  maintenanceLeadMs: 120_000,
  rateReserveFraction: 0.2,
};

interface VenueState {
  venue: PolicyVenue;
  health: VenueHealth;
  /** Its first setup (markets, then what the desk holds there) has ended, read or failed. */
  setupEnded: boolean;
  marketsLoaded: boolean;
  /** A market load that failed is tried again from the background loop, not before this. */
  nextMarketsLoadMs: number;
  /** A market load has failed before: ccxt keeps the failed promise, so the next one must ask for a reload. */
  marketsLoadFailed: boolean;
  /** Next poll of the status endpoint while the venue is up (venues that announce windows ahead). */
  nextStatusPollMs: number;
  lastReconcileMs: number;
  /** A reconciliation read that failed is not tried again before this (see `reconcilePositions`). */
  nextReconcileMs: number;
  /** A background probe or status poll in flight (one at a time per venue). */
  busy: boolean;
  /** Requests to one venue go one at a time (see `request`). */
  lock: Promise<void>;
  /** The router's view of the venue's money, cached from reconciliation reads and moved by our fills (every coin's). */
  funds: Funds;
}

/** What the router needs of a venue's balance (see router.ts `RouteVenue`): the venue's, shared by every coin. */
interface Funds {
  /** Perps: free + used of the settle asset at the last read, less the fees we paid since. */
  marginBalance: number | undefined;
  /** Perps: initial margin of markets the desk does not hedge, at the last read (used, less our coins' positions). */
  otherInitialMargin: number;
  /** Spot: free quote coins. */
  freeQuote: number | undefined;
}

/** One coin the desk hedges (an entry of `ctx.assets`): its own books; the venues are shared (see the top). */
interface Coin {
  asset: PolicyAsset;
  ledger: ExposureLedger;
  /** The last price of this coin seen (a mark on a position read, or a fill), quote per base; shared by every venue. */
  lastPrice: number | undefined;
  /** The router's last reason for not placing all of this coin's hedge, logged once until it changes. */
  lastShortfall: string | undefined;
  migrations: Migration[];
  /** This coin on each venue. */
  on: Map<VenueState, CoinOnVenue>;
}

interface CoinOnVenue {
  /** The unified symbol this coin is hedged with on the venue. */
  symbol: string;
  /** Perps: this coin in the wallet. */
  coinsBase: number;
  /** From the position (ccxt `leverage`, or notional ÷ initial margin); undefined until seen. */
  leverage: number | undefined;
  /** Perps: the position's initial margin at the last read. */
  initialMargin: number;
}

/**
 * Leverage assumed for a perp venue whose position has not said (Binance's positionRisk has no
 * leverage field, and a flat account shows no position): the venues' usual default and the
 * testbed's. The router keeps `ROUTER_HEADROOM` spare on every margin estimate on top.
 */
export const ASSUMED_LEVERAGE = 10;
/** Share of each margin estimate the router keeps spare (prices move between decision and fill, and after). */
export const ROUTER_HEADROOM = 0.1;

/**
 * Reads that disagree with our acknowledged fills are kept out of the ledger until this many
 * consecutive reads, with no trading of ours in between, say the same: a lagging read (eventual
 * consistency after a write) must not undo a fill we know happened.
 */
const DISCREPANCY_READS_TO_ADOPT = 3;

/** A request not sent because the venue's Retry-After had not passed when its turn came, or (routine reads) its budget is nearly spent. */
class QuietError extends Error {
  constructor(venue: string, why: string) {
    super(`${venue}: not sent, ${why}`);
  }
}

/** A hedge moved off a venue ahead of its maintenance window, to be moved back after it. */
interface Migration {
  fromId: string;
  toId: string;
  /** The signed position moved (base units, as it now sits on `toId`). */
  signedBase: number;
  windowEndMs: number;
}

const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

export function createReferencePolicy(options: Partial<ReferenceOptions> = {}): Policy {
  const opts: ReferenceOptions = { ...DEFAULTS, ...options };
  let ctx: PolicyContext;
  const venues: VenueState[] = [];
  /** In `ctx.assets` order: the first is the one the single-coin fields describe. */
  const coins: Coin[] = [];
  const calendar = new MaintenanceCalendar();
  let governor: RateGovernor;
  let orderSeq = 0;
  let loop: Promise<void> | undefined;

  const log = (message: string, data?: Record<string, unknown>): void => ctx.log(message, data);
  const at = (c: Coin, v: VenueState): CoinOnVenue => c.on.get(v)!;
  /** "ETH " in a log line that does not name the coin otherwise; nothing with one coin. */
  const coinLabel = (c: Coin): string => (coins.length > 1 ? `${c.asset.asset} ` : '');
  /** Over its limit, as booked. */
  const overLimit = (c: Coin): boolean => Math.abs(c.ledger.net(c.asset.inventoryBase())) > c.asset.limits.netBaseMax;
  /** An order of unknown outcome waits on the venue, in any coin. */
  const anyUnknown = (v: VenueState): boolean => coins.some((c) => c.ledger.hasUnknown(v.venue.id));

  /**
   * Every request to a venue goes through here, one at a time per venue. Concurrent requests
   * would let one that was queued (by us or inside ccxt's throttle) leave after another's 429
   * arrived, ignoring its Retry-After. Each request re-checks the venue's state when its turn comes.
   */
  async function request<T = any>(v: VenueState, fn: (exchange: PolicyVenue['exchange']) => Promise<T>, lane: Lane = 'risk'): Promise<T> {
    const previous = v.lock;
    let release: () => void = () => undefined;
    v.lock = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      const now = ctx.clock.now();
      if (v.health.quietAt(now)) throw new QuietError(v.venue.id, `Retry-After runs until ${v.health.untilMs}`);
      const held = governor.holdsBack(v.venue.id, lane, now);
      if (held !== undefined) {
        if (governor.firstYield(v.venue.id, held)) {
          log(`${v.venue.id}: ${held.name} budget ${held.used}/${held.limit} used; routine reads yield to orders until it resets in ${Math.ceil((held.resetAtMs - now) / 1000)} s`, { venue: v.venue.id, budget: held.name });
        }
        throw new QuietError(v.venue.id, `${held.name} budget kept for orders`);
      }
      const answer = await fn(v.venue.exchange);
      governor.observe(v.venue.id, v.venue.exchange.last_response_headers, ctx.clock.now());
      v.health.onAnswered();
      return answer;
    } catch (error) {
      // A 429/418 must close the venue before the next queued request gets its turn.
      const meaning = meaningOf(error);
      if (meaning === 'rateLimited' || meaning === 'banned') apply(v, meaning, error, 'request');
      throw error;
    } finally {
      release();
    }
  }

  function meaningOf(error: unknown): ErrorMeaning | 'quiet' {
    return error instanceof QuietError ? 'quiet' : classifyError(error);
  }

  /** May the next hedge go to this venue? Healthy, markets known, and no maintenance window starting within the lead. */
  function usable(v: VenueState, now: number): boolean {
    return v.health.tradableAt(now) && v.marketsLoaded && calendar.blockingAt(v.venue.id, now, opts.maintenanceLeadMs) === undefined;
  }

  function apply(v: VenueState, meaning: ErrorMeaning | 'quiet', error: unknown, during: string): void {
    const now = ctx.clock.now();
    if (meaning === 'quiet') return;
    if (meaning === 'clockSkew') {
      // A local clock problem, not an outage: re-sync instead of failing over.
      v.venue.exchange.options['adjustForTimeDifference'] = true;
      log(`${v.venue.id}: timestamp rejected on ${during}; re-syncing the clock offset`, { venue: v.venue.id });
      void safe(() => request(v, (ex) => ex.loadTimeDifference()));
      return;
    }
    if ((meaning === 'unknownOutcome' || meaning === 'unavailable') && ongoingWindow(v, now)) {
      // Bybit's and Kraken's maintenance answers look like outages (10016, EService:Unavailable);
      // the venue announced this window, so it is maintenance: poll the status, do not probe.
      v.health.enterMaintenance(now, `${errorName(error)} on ${during} inside its announced window`);
      return;
    }
    v.health.onError(meaning, now, {
      during,
      errorName: errorName(error),
      message: String((error as Error)?.message ?? error),
      retryAfterSec: meaning === 'rateLimited' || meaning === 'banned' ? retryAfterSecFrom(v.venue.exchange, now) : undefined,
    });
  }

  function ongoingWindow(v: VenueState, now: number): boolean {
    const w = calendar.next(v.venue.id, now);
    return w !== undefined && w.startMs <= now;
  }

  /**
   * Markets first: no hedge goes to a venue without them. A load that failed (a 429 at start-up,
   * an outage) is tried again by the background loop once the venue answers again (see
   * `background`), so a backup whose first load was refused becomes usable.
   */
  async function loadMarkets(v: VenueState): Promise<boolean> {
    try {
      // ccxt caches the promise of its first load, a rejected one too: after a failure, reload.
      await request<any>(v, (ex) => ex.loadMarkets(v.marketsLoadFailed));
      v.marketsLoadFailed = false;
      learnRateLimits(v);
      // Bybit's ccxt client probes the account type (two requests at once) before its first
      // private call and caches the answer: probe now, while the venue is calm, so the pair never
      // lands inside a later 429 window where the second would ignore the first's Retry-After.
      if (typeof v.venue.exchange.isUnifiedEnabled === 'function') await request<any>(v, (ex) => ex.isUnifiedEnabled());
      v.marketsLoaded = true;
      return true;
    } catch (error) {
      // Only a failed load itself leaves ccxt's rejected promise behind (not a failed account probe).
      v.marketsLoadFailed ||= v.venue.exchange.markets === undefined;
      const meaning = meaningOf(error);
      // Not again before a probe interval (a venue that refuses it definitely would otherwise get a
      // request a tick); a Retry-After or a down venue hold it longer through health.
      if (meaning !== 'quiet') v.nextMarketsLoadMs = ctx.clock.now() + opts.probeIntervalMsMin;
      apply(v, meaning, error, 'loadMarkets');
      return false;
    }
  }

  /** Background: a venue that answers but has no markets yet loads them, then reads its position. */
  async function loadMarketsAgain(v: VenueState): Promise<void> {
    log(`${v.venue.id}: markets not loaded yet (the last attempt failed); loading them again`, { venue: v.venue.id });
    if (await loadMarkets(v)) await reconcilePositions(v);
  }

  /**
   * Every HTTP request ccxt makes for this venue passes here, after ccxt's own throttle and just
   * before it leaves. One call of ours can be several requests at once (ccxt's Bybit loadMarkets
   * reads its market categories in parallel through its throttle queue, and pages on): a 429
   * answering one of them must stop the others still queued, so the refusal is applied as soon as its answer
   * arrives, and a request whose turn comes inside a Retry-After is not sent. Usage headers reach
   * the governor from every response, not only the last of a call.
   */
  function guardRequests(v: VenueState): void {
    const ex = v.venue.exchange;
    const send = (ex['fetch'] as (...args: unknown[]) => Promise<unknown>).bind(ex);
    ex['fetch'] = async (...args: unknown[]): Promise<unknown> => {
      if (v.health.quietAt(ctx.clock.now())) throw new QuietError(v.venue.id, `Retry-After runs until ${v.health.untilMs}`);
      try {
        const answer = await send(...args);
        governor.observe(v.venue.id, ex.last_response_headers, ctx.clock.now());
        return answer;
      } catch (error) {
        const meaning = meaningOf(error);
        if (meaning === 'rateLimited' || meaning === 'banned') apply(v, meaning, error, 'request');
        throw error;
      }
    };
  }

  /** Base units per ccxt amount unit on this coin's market on the venue (1 unless the venue trades contracts). */
  function contractSizeOf(c: Coin, v: VenueState): number {
    const size = Number(marketOf(c, v)?.contractSize ?? 1);
    return Number.isFinite(size) && size > 0 ? size : 1;
  }

  /**
   * The venue's word on our exposure there, per coin (in `coins` order): derivatives positions, or
   * on a spot venue the coins held. One position read per coin (ccxt's Bybit takes one symbol at a
   * time), one balance read for them all.
   */
  async function readExposure(v: VenueState, lane: Lane): Promise<number[]> {
    if (v.venue.kind === 'spot') {
      const balance = await request<any>(v, (ex) => ex.fetchBalance(), lane);
      noteSpotBalance(v, balance);
      return coins.map((c) => round8(Number(balance?.total?.[at(c, v).symbol.split('/')[0] ?? ''] ?? 0)));
    }
    const read: any[] = [];
    for (const c of coins) {
      const symbol = at(c, v).symbol;
      const positions: any[] = await request<any>(v, (ex) => ex.fetchPositions([symbol]), lane);
      const p = positions.find((x) => x.symbol === symbol);
      notePosition(c, v, p);
      read.push(p);
    }
    // The router's free margin: read with the positions, in the same lane (a failure here leaves
    // the position reads standing and the cached balance as it was).
    try {
      notePerpBalance(v, await request<any>(v, (ex) => ex.fetchBalance(), lane), read);
    } catch (error) {
      apply(v, meaningOf(error), error, 'fetchBalance');
    }
    return read.map((p) => round8(p === undefined ? 0 : (p.side === 'short' ? -1 : 1) * Number(p.contracts ?? 0) * Number(p.contractSize ?? 1)));
  }

  /** Leverage, initial margin and price from a ccxt position (Binance gives no leverage: notional ÷ initial margin says it). */
  function notePosition(c: Coin, v: VenueState, p: any): void {
    const here = at(c, v);
    const im = Number(p?.initialMargin ?? 0);
    here.initialMargin = Number.isFinite(im) ? im : 0;
    if (p === undefined) return;
    const mark = Number(p.markPrice);
    if (Number.isFinite(mark) && mark > 0) c.lastPrice = mark;
    const stated = Number(p.leverage);
    const implied = Math.abs(Number(p.notional)) / Number(p.initialMargin);
    if (Number.isFinite(stated) && stated > 0) here.leverage = stated;
    else if (Number.isFinite(implied) && implied > 0) here.leverage = implied;
  }

  /** `positions`: each coin's position just read (in `coins` order); what the margin used holds beyond them is other markets'. */
  function notePerpBalance(v: VenueState, balance: any, positions: readonly any[]): void {
    // Every coin's perp on a venue settles in the same asset: the first coin's market says which.
    const market = v.venue.exchange.market(v.venue.symbol);
    const settle = String(market?.settle ?? market?.quote ?? '');
    const free = Number(balance?.free?.[settle]);
    const used = Number(balance?.used?.[settle] ?? 0);
    if (!Number.isFinite(free)) return;
    let positionsIm = 0;
    for (const p of positions) {
      const im = Number(p?.initialMargin ?? 0);
      positionsIm += Number.isFinite(im) ? im : 0;
    }
    v.funds.marginBalance = free + (Number.isFinite(used) ? used : 0);
    v.funds.otherInitialMargin = Math.max(0, (Number.isFinite(used) ? used : 0) - positionsIm);
    for (const c of coins) at(c, v).coinsBase = Number(balance?.total?.[String(v.venue.exchange.market(at(c, v).symbol)?.base ?? '')] ?? 0) || 0;
  }

  function noteSpotBalance(v: VenueState, balance: any): void {
    const quote = String(marketOf(coins[0]!, v)?.quote ?? v.venue.symbol.split('/')[1] ?? '');
    const free = Number(balance?.free?.[quote]);
    if (Number.isFinite(free)) v.funds.freeQuote = free;
  }

  /** A fill of ours moves the cached funds: the fee comes off the margin balance, or the quote moves on spot. */
  function noteFill(c: Coin, v: VenueState, signedBase: number, price: number | undefined): void {
    if (price !== undefined && Number.isFinite(price) && price > 0) c.lastPrice = price;
    const p = price ?? c.lastPrice;
    if (p === undefined) return;
    const fee = Math.abs(signedBase) * p * takerFeeOf(c, v);
    if (v.venue.kind === 'spot') {
      if (v.funds.freeQuote !== undefined) v.funds.freeQuote = Math.max(0, v.funds.freeQuote - signedBase * p - fee);
    } else if (v.funds.marginBalance !== undefined) {
      v.funds.marginBalance -= fee;
    }
  }

  /** ccxt's market for the coin's symbol on the venue, or undefined before its markets loaded (ccxt's `market()` throws then). */
  function marketOf(c: Coin, v: VenueState): Record<string, any> | undefined {
    if (!v.marketsLoaded) return undefined;
    try {
      return v.venue.exchange.market?.(at(c, v).symbol);
    } catch {
      return undefined;
    }
  }

  function takerFeeOf(c: Coin, v: VenueState): number {
    const fee = Number(marketOf(c, v)?.taker);
    return Number.isFinite(fee) && fee >= 0 ? fee : 0.001;
  }

  /** The smallest order of this coin on this venue, in base units. */
  function minBaseOf(c: Coin, v: VenueState): number {
    const min = Number(marketOf(c, v)?.limits?.amount?.min ?? 0.001);
    return round8((Number.isFinite(min) && min > 0 ? min : 0.001) * contractSizeOf(c, v));
  }

  /**
   * The smallest order of this coin the venue accepts, in base units: its amount minimum, or its
   * minimum notional (ccxt `limits.cost.min`) at the coin's last price, with the router's headroom,
   * when that is more. A cheap coin's amount minimum can be worth less than the notional minimum
   * (0.001 ETH is about 3 USDT; Binance wants 20): such an order is refused, and the refusal keeps
   * every coin's hedges off the venue for a while (health is the venue's). Not a step size: the
   * router's steps stay `minBaseOf`.
   */
  function minOrderBaseOf(c: Coin, v: VenueState): number {
    const byAmount = minBaseOf(c, v);
    const cost = Number(marketOf(c, v)?.limits?.cost?.min);
    if (!(cost > 0) || c.lastPrice === undefined) return byAmount;
    return Math.max(byAmount, (cost * (1 + ROUTER_HEADROOM)) / c.lastPrice);
  }

  /**
   * Initial margin on a perp venue that is not this coin's position: other markets' at the last
   * read, plus each other coin's position as booked now — a hedge of one coin must not spend the
   * margin another coin's hedge took there since the read — at that coin's last price (no
   * headroom, as a read would give it), or its last read before any price was seen.
   */
  function otherInitialMarginOf(c: Coin, v: VenueState): number {
    let other = v.funds.otherInitialMargin;
    for (const o of coins) {
      if (o === c) continue;
      const there = at(o, v);
      other += o.lastPrice === undefined ? there.initialMargin : (Math.abs(o.ledger.positionOf(v.venue.id)) * o.lastPrice) / (there.leverage ?? ASSUMED_LEVERAGE);
    }
    return other;
  }

  /** The router's snapshot of a venue for this coin's hedge. `tradable`/`lastResort` as the caller decides. */
  function routeVenueOf(c: Coin, v: VenueState, tradable: boolean, lastResort = false): RouteVenue {
    return {
      id: v.venue.id,
      kind: v.venue.kind,
      tradable,
      lastResort,
      positionBase: c.ledger.positionOf(v.venue.id),
      coinsBase: v.venue.kind === 'spot' ? 0 : at(c, v).coinsBase,
      takerFee: takerFeeOf(c, v),
      minBase: minBaseOf(c, v),
      marginBalance: v.funds.marginBalance,
      otherInitialMargin: otherInitialMarginOf(c, v),
      leverage: at(c, v).leverage ?? ASSUMED_LEVERAGE,
      freeQuote: v.funds.freeQuote,
    };
  }

  /** A price to size margin with: one ticker read from the first venue that can be asked, when no mark or fill of the coin has been seen. */
  async function ensurePrice(c: Coin, candidates: readonly VenueState[]): Promise<void> {
    if (c.lastPrice !== undefined) return;
    // Not a venue busy with a background request (a slow probe holds its lock for up to the client
    // timeout): the hedge would wait behind it. With none free, try again next tick.
    const v = candidates.find((x) => !x.busy);
    if (v === undefined) return;
    try {
      const symbol = at(c, v).symbol;
      const ticker = await request<any>(v, (ex) => ex.fetchTicker(symbol));
      const price = Number(ticker?.last ?? ticker?.close);
      if (Number.isFinite(price) && price > 0) c.lastPrice = price;
    } catch (error) {
      apply(v, meaningOf(error), error, 'fetchTicker');
    }
  }

  /** Binance publishes its budgets in exchangeInfo, the answer loadMarkets just read: the governor's limits. */
  function learnRateLimits(v: VenueState): void {
    const defaults = DEFAULT_BINANCE_LIMITS[v.venue.exchange.id];
    if (defaults === undefined) return;
    const limits: Record<string, number> = { ...defaults };
    const published: any[] = Array.isArray(v.venue.exchange.last_json_response?.rateLimits) ? v.venue.exchange.last_json_response.rateLimits : [];
    for (const rule of published) {
      const unit = ({ SECOND: 's', MINUTE: 'm', DAY: 'd' } as Record<string, string>)[String(rule?.interval)];
      const kind = rule?.rateLimitType === 'REQUEST_WEIGHT' ? 'weight' : rule?.rateLimitType === 'ORDERS' ? 'orders' : undefined;
      if (unit !== undefined && kind !== undefined && Number(rule.limit) > 0) limits[`${kind}${Number(rule.intervalNum ?? 1)}${unit}`] = Number(rule.limit);
    }
    governor.setLimits(v.venue.id, limits);
  }

  /** Reads the venue's positions (every coin's) and reconciles each coin's ledger with them. */
  async function reconcilePositions(v: VenueState, lane: Lane = 'risk'): Promise<void> {
    try {
      const read = await readExposure(v, lane);
      coins.forEach((c, i) => {
        const signed = read[i]!;
        const outcome = c.ledger.reconcile(v.venue.id, signed);
        const what = `${v.venue.id}: ${coinLabel(c)}position read ${signed}`;
        if (outcome.kind === 'adopted' && outcome.why === 'untraded') {
          log(`${what} (venue truth, nothing of ours traded here yet)`, { venue: v.venue.id });
        } else if (outcome.kind === 'adopted') {
          log(`${what} disagreed with our ledger ${outcome.wasBase} in ${outcome.reads} reads in a row with no trading of ours: adopting the venue's truth`, { venue: v.venue.id });
        } else if (outcome.kind === 'kept') {
          log(`${what} disagrees with our acknowledged fills (${outcome.bookedBase}); a lagging read? keeping our ledger (${outcome.reads}/${outcome.readsToAdopt})`, { venue: v.venue.id });
        }
      });
      v.lastReconcileMs = ctx.clock.now();
    } catch (error) {
      const meaning = meaningOf(error);
      apply(v, meaning, error, 'fetchPositions');
      // Not again on the next tick: a venue that refuses the read without being marked down
      // (Bybit answers reads in maintenance with 10016, which ccxt raises as a plain
      // ExchangeError, "rejected") would get a request a second — past the probe budget of a
      // venue known down. Wait as a probe would, or until the venue's avoidance ends. A read
      // held back by our own budget (quiet) is not the venue's doing: it goes when its turn comes.
      if (meaning !== 'quiet') v.nextReconcileMs = Math.max(ctx.clock.now() + opts.probeIntervalMsMin, v.health.avoidUntilMs);
    }
  }

  /**
   * How often a venue's position and balance are read. Every `reconcileMs` — or, under a margin-use
   * cap, every third of `hedgeWithinSec` on a perp venue that holds a position: a price move
   * against it can push its margin use over the cap, and the engine only sees that in a read
   * (a jump found by the property search stayed over until the next minute's read). Any coin's.
   */
  function reconcileEveryMs(v: VenueState): number {
    if (ctx.limits.marginUsePctMax === undefined || v.venue.kind !== 'linearPerp' || coins.every((c) => c.ledger.positionOf(v.venue.id) === 0)) return opts.reconcileMs;
    return Math.min(opts.reconcileMs, Math.max(opts.tickMs, (ctx.limits.hedgeWithinSec * 1000) / 3));
  }

  /** Background: one probe or status poll per venue at a time, never blocking the hedge loop. */
  function background(v: VenueState, now: number): void {
    if (v.busy) return;
    const h = v.health;
    // A Retry-After that has passed ends here too: the hedge path only looks at the venues it needs.
    h.refresh(now);
    const task = ((): (() => Promise<void>) | undefined => {
      if (h.state === 'down' && h.dueAt(now)) return () => probe(v);
      // A venue in maintenance is asked every statusPollMs — or every probeIntervalMsMin while the
      // desk is over its limit in any coin: the other venues may not take the hedge in time (slow,
      // about to fail), and a window shorter than the poll used to keep the desk unhedged for a
      // whole poll (found by the property search). At most 12 status reads a minute: within the
      // probe budget.
      const sincePollMs = now - (h.untilMs - opts.statusPollMs);
      if (h.state === 'maintenance' && (h.dueAt(now) || (sincePollMs >= opts.probeIntervalMsMin && coins.some(overLimit)))) return () => pollStatusInMaintenance(v);
      if (h.state !== 'healthy') return undefined;
      if (!v.marketsLoaded) return now >= v.nextMarketsLoadMs ? () => loadMarketsAgain(v) : undefined;
      const pending = anyUnknown(v);
      // An order of unknown outcome on a venue that answers: look it up before anything else there.
      if (pending && h.dueAt(now)) return () => resolveUnknowns(v);
      if (announcesAhead(v.venue.exchange.id) && now >= v.nextStatusPollMs) return () => pollStatus(v);
      if (v.marketsLoaded && now - v.lastReconcileMs >= reconcileEveryMs(v) && now >= v.nextReconcileMs && !pending) return () => reconcilePositions(v, 'routine');
      return undefined;
    })();
    if (task === undefined) return;
    v.busy = true;
    void task().finally(() => {
      v.busy = false;
    });
  }

  /** Half-open: one request to a down venue; if it answers, reconcile before trading there again. */
  async function probe(v: VenueState): Promise<void> {
    try {
      const pending = anyUnknown(v);
      v.health.onProbeSent();
      // With an order of unknown outcome on the venue, the lookup that settles it is the probe:
      // a lost acknowledgement on a live venue resolves in one round trip instead of a
      // probe interval, before its quantity is hedged anywhere else.
      if (pending) await lookupUnknowns(v);
      else await request<any>(v, (ex) => ex.fetchTime());
      v.health.onProbeAnswered(pending ? 'order lookup' : 'probe');
      await recover(v);
    } catch (error) {
      const meaning = meaningOf(error);
      if (meaning === 'unavailable' || meaning === 'unknownOutcome') {
        const now = ctx.clock.now();
        const uncovered = coins.flatMap((c) => c.ledger.unknowns(v.venue.id)).filter((u) => !u.coveredElsewhere);
        // Keep asking every tick while a fresh uncovered unknown order blocks re-hedging, then every
        // minimum probe interval while one still does (the probe budget); back off otherwise —
        // unless the desk is stranded (over its limit, no venue usable): then this venue coming
        // back is the only way to hedge, and one probe per minimum interval is the budget.
        const fast = uncovered.some((u) => now - u.sinceMs < fastLookupMs());
        v.health.onProbeFailed(now, { fast, urgent: uncovered.length > 0 || strandedAt(now), tickMs: opts.tickMs });
      } else {
        apply(v, meaning, error, 'probe');
      }
    }
  }

  /** The venue answers again: markets, unknown orders and positions first; then it takes hedges. */
  async function recover(v: VenueState): Promise<void> {
    if (!v.marketsLoaded) await loadMarkets(v);
    await resolveUnknowns(v);
    if (v.health.state === 'recovering') await reconcilePositions(v);
    v.health.onReconciled();
  }

  async function pollStatusInMaintenance(v: VenueState): Promise<void> {
    try {
      const status = await request<any>(v, (ex) => ex.fetchStatus());
      noteWindows(v, status);
      if (status?.status === 'ok') {
        v.health.onStatusOk();
        await recover(v);
      } else {
        v.health.onStatusMaintenance(ctx.clock.now());
      }
    } catch (error) {
      const meaning = meaningOf(error);
      if (meaning === 'maintenance') v.health.onStatusMaintenance(ctx.clock.now());
      else apply(v, meaning, error, 'fetchStatus');
    }
  }

  /** A healthy venue that announces maintenance ahead: read its schedule (a routine read). */
  async function pollStatus(v: VenueState): Promise<void> {
    try {
      const status = await request<any>(v, (ex) => ex.fetchStatus(), 'routine');
      v.nextStatusPollMs = ctx.clock.now() + opts.statusPollMs;
      // Only the schedule: a window already ongoing blocks hedges through the calendar if it was
      // announced, and otherwise the venue's answers to requests decide (health.ts).
      noteWindows(v, status);
    } catch (error) {
      const meaning = meaningOf(error);
      if (meaning !== 'quiet') v.nextStatusPollMs = ctx.clock.now() + opts.statusPollMs;
      apply(v, meaning, error, 'fetchStatus');
    }
  }

  function noteWindows(v: VenueState, status: unknown): void {
    const now = ctx.clock.now();
    const { added } = calendar.update(v.venue.id, announcedWindowsOf(v.venue.exchange.id, status as { info?: unknown }), now);
    for (const w of added) {
      log(`${v.venue.id}: maintenance announced, ${w.state}, from ${isoOf(w.startMs)} to ${isoOf(w.endMs)} (starts in ${Math.max(0, Math.round((w.startMs - now) / 1000))} s)`, {
        venue: v.venue.id,
        windowStartMs: w.startMs,
        windowEndMs: w.endMs,
      });
    }
  }

  /** Settles every unknown order on the venue (every coin's) by client order id; throws what the venue raised if it cannot. */
  async function lookupUnknowns(v: VenueState): Promise<void> {
    for (const c of coins) {
      for (const u of c.ledger.unknowns(v.venue.id)) {
        try {
          settle(c, v, u, await fetchByClientOrderId(c, v, u.clientOrderId));
        } catch (error) {
          if (errorName(error) !== 'OrderNotFound' && !bybitFoundNone(v, error)) throw error;
          settle(c, v, u, undefined);
        }
      }
    }
  }

  /**
   * ccxt 4.5.84's bybit `fetchOrder`, asked by `orderLinkId` alone, finds no order and builds its
   * OrderNotFound message from `id.toString()` — with no id that throws a TypeError instead. It
   * comes only from that line: the venue answered, and the order is not there. (Taken for a
   * transport failure, it left every Bybit order that never arrived unresolved.)
   */
  function bybitFoundNone(v: VenueState, error: unknown): boolean {
    return v.venue.exchange.id === 'bybit' && error instanceof TypeError && /reading 'toString'/.test(error.message);
  }

  /**
   * An order looked up by the client order id we sent. ccxt spells the lookup per exchange:
   * Binance `origClientOrderId`, Bybit `orderLinkId` (and `acknowledged`, since Bybit's realtime
   * endpoint only sees recent orders), OKX and others the unified `clientOrderId`.
   */
  function fetchByClientOrderId(c: Coin, v: VenueState, clientOrderId: string): Promise<any> {
    return request<any>(v, (ex) => ex.fetchOrder(undefined, at(c, v).symbol, lookupParams(ex.id, { clientOrderId })));
  }

  /** An order looked up by the venue's order id. */
  function fetchById(c: Coin, v: VenueState, orderId: string): Promise<any> {
    return request<any>(v, (ex) => ex.fetchOrder(orderId, at(c, v).symbol, lookupParams(v.venue.exchange.id, {})));
  }

  /**
   * Some venues acknowledge an order with its ids only (Bybit): the order itself says what
   * executed, so read it. If that read fails — a lagging account service that does not know the
   * order yet, or a venue that stopped answering — the venue has still *accepted* a market order,
   * which fills: book it as filled (reconciliation corrects a partial fill later) rather than
   * treating it as unknown and hedging it twice.
   */
  async function fillOfAcknowledged(c: Coin, v: VenueState, ack: any, clientOrderId: string, contracts: number): Promise<any> {
    try {
      return ack.id !== undefined ? await fetchById(c, v, String(ack.id)) : await fetchByClientOrderId(c, v, clientOrderId);
    } catch (error) {
      log(`${v.venue.id}: order ${clientOrderId} acknowledged without its fill, and reading it failed (${errorName(error)}); an accepted market order fills: booking ${contracts} as filled until reconciled`, {
        venue: v.venue.id,
        clientOrderId,
      });
      if (errorName(error) !== 'OrderNotFound') apply(v, meaningOf(error), error, 'fetchOrder');
      return { ...ack, filled: contracts };
    }
  }

  /** An unknown order's outcome is known: its fill (if any) counts from now on. */
  function settle(c: Coin, v: VenueState, u: UnknownOrder, order: { status?: string; filled?: number } | undefined): void {
    const filled = c.ledger.settle(u, Number(order?.filled ?? 0) * contractSizeOf(c, v));
    if (order === undefined) {
      // The venue answers its lookup but never saw the order: its order path is down while the
      // rest answers (a partial outage). Hedge elsewhere for a while, longer each time.
      v.health.onOrderLost(ctx.clock.now());
    } else {
      v.health.onOrderReached();
    }
    log(
      order === undefined
        ? `${v.venue.id}: unknown order ${u.clientOrderId} resolved: never reached the venue`
        : `${v.venue.id}: unknown order ${u.clientOrderId} resolved: ${order.status}, filled ${Math.abs(filled)}${u.coveredElsewhere && filled !== 0 ? ' (was hedged elsewhere too: unwinding the excess)' : ''}`,
      { venue: v.venue.id, clientOrderId: u.clientOrderId, filledBase: filled },
    );
  }

  /** Looks each unknown order on this venue (every coin's) up by client order id; its fill then counts. */
  async function resolveUnknowns(v: VenueState): Promise<void> {
    for (const c of coins) {
      for (const u of c.ledger.unknowns(v.venue.id)) {
        try {
          settle(c, v, u, await fetchByClientOrderId(c, v, u.clientOrderId));
        } catch (error) {
          if (errorName(error) === 'OrderNotFound') {
            settle(c, v, u, undefined);
          } else {
            apply(v, meaningOf(error), error, 'fetchOrder');
            return;
          }
        }
      }
    }
  }

  /** Over the limit (in any coin) with no venue able to take the hedge: every recovery counts. */
  function strandedAt(now: number): boolean {
    return coins.some(overLimit) && !venues.some((x) => x.health.stateAt(now) === 'healthy' && x.marketsLoaded);
  }

  function unknownWaitMs(): number {
    return opts.unknownWaitMs ?? Infinity;
  }

  /** How long a fresh unknown order is looked up every tick before lookups slow to the probe interval. */
  function fastLookupMs(): number {
    return Math.max(1000, (ctx.limits.hedgeWithinSec * 1000) / 3);
  }

  /**
   * No unknown order waits any more: those past `unknownWaitMs` are hedged elsewhere (assuming they
   * did not execute), hedges move around maintenance windows; returns the booked net to hedge.
   */
  async function coverAndMigrate(c: Coin, pending: readonly UnknownOrder[], now: number): Promise<number> {
    for (const u of pending) {
      u.coveredElsewhere = true;
      log(`${u.venueId}: order ${u.clientOrderId} still unknown after ${unknownWaitMs() / 1000} s; hedging its ${Math.abs(u.signedBase)} elsewhere, assuming it did not execute, until reconciled`, {
        venue: u.venueId,
        clientOrderId: u.clientOrderId,
      });
    }
    await moveOffBeforeMaintenance(c, now);
    await moveBackAfterMaintenance(c, ctx.clock.now());
    await relieveMargin(c, ctx.clock.now());
    return c.ledger.net(c.asset.inventoryBase());
  }

  /**
   * The exposure to hedge while unknown orders wait: the end of the interval nearest zero when the
   * whole interval is on one side of it (over in every outcome of them), else 0 (wait for the
   * lookups). In either direction: hedging the end nearest zero never trades an unknown order's
   * quantity again — if it filled, that end is the desk's exposure; if not, the desk stays short
   * of a full hedge by its size. (Refusing to hedge in the direction of a waiting order left a
   * desk over its limit for as long as the order's venue stayed dark: found by the search.)
   */
  function certainExposure(interval: ExposureInterval): number {
    if (interval.min > 0) return interval.min;
    if (interval.max < 0) return interval.max;
    return 0;
  }

  /** One coin's hedge: its net, from its own books, routed over the venues to its own limits. */
  async function hedgeStep(c: Coin): Promise<void> {
    const now = ctx.clock.now();
    const { ledger } = c;
    // Unknown orders not yet covered elsewhere still count as "maybe": wait for them (briefly).
    const pending = ledger.unknowns().filter((u) => !u.coveredElsewhere);
    const waiting = pending.filter((u) => now - u.sinceMs < unknownWaitMs());
    let net: number;
    if (waiting.length > 0) {
      // Moving a hedge between venues with no unknown order changes no exposure: a margin cap a
      // price move broke is answered while lookups wait (they may wait long on a dark venue).
      await relieveMargin(c, now);
      // Meanwhile only what is over in every outcome of the unknown orders is hedged (never a
      // quantity that is over only if one of them did not fill).
      net = certainExposure(ledger.worstCase(c.asset.inventoryBase()));
      if (net === 0) return;
    } else {
      net = await coverAndMigrate(c, pending, now);
    }
    const netWhat = waiting.length > 0 ? `net ${net} (whatever ${waiting.length} unknown order(s) did)` : `net ${net}`;
    const first = venues.find((v) => v.marketsLoaded);
    if (first === undefined || Math.abs(net) < minOrderBaseOf(c, venues.find((v) => usable(v, now)) ?? first)) return;
    // A venue about to enter maintenance, or avoided because its order path lost an order, still
    // takes the hedge when no other can (a last resort).
    const snapshot = venues.map((v) => {
      const preferred = usable(v, now);
      const lastResort = !preferred && (v.health.tradableAt(now) || v.health.lastResortAt(now)) && v.marketsLoaded && !ongoingWindow(v, now);
      return routeVenueOf(c, v, preferred || lastResort, lastResort);
    });
    if (ctx.limits.marginUsePctMax !== undefined) await ensurePrice(c, venues.filter((v, i) => snapshot[i]?.tradable === true));
    const allocation = route({ signedBase: -net, price: c.lastPrice, venues: snapshot, limits: c.asset.limits, headroomFraction: ROUTER_HEADROOM });
    const base = String(marketOf(c, first)?.base ?? at(c, first).symbol.split('/')[0] ?? '');
    if (allocation.legs.length !== 1 || allocation.unallocatedBase > 0 || allocation.legs[0]?.limitedBy !== undefined) {
      // Split or short of room: say why (once, while nothing changes).
      const reason = `hedging ${netWhat} ${base}: ${allocation.reason}`;
      if (allocation.legs.length > 0 || reason !== c.lastShortfall) log(reason, { reason: 'route', legs: allocation.legs.map((l) => ({ venue: l.venueId, base: l.signedBase })), unallocatedBase: allocation.unallocatedBase });
      c.lastShortfall = allocation.legs.length > 0 ? undefined : reason;
    } else {
      c.lastShortfall = undefined;
    }
    for (const leg of allocation.legs) {
      const target = venues.find((v) => v.venue.id === leg.venueId)!;
      const sized = sizeOrder(c, target, leg.signedBase);
      if (sized === undefined) continue;
      const side = sized.signedBase > 0 ? 'buy' : 'sell';
      log(`hedging ${netWhat} ${sized.baseCode}: ${side} ${Math.abs(sized.signedBase)} on ${target.venue.id}${target !== venues[0] ? ` (primary ${venues[0]?.venue.id} is ${primaryWhy(now)})` : ''}`, {
        venue: target.venue.id,
        clientOrderId: clientOrderIdFor(target.venue.id, orderSeq + 1),
        side,
        amount: Math.abs(sized.signedBase),
      });
      await placeOrder(c, target, sized);
    }
  }

  /** Why a hedge leg is not on the primary: its health, or (healthy) that it has no room. */
  function primaryWhy(now: number): string {
    const p = venues[0];
    if (p === undefined) return 'missing';
    const state = p.health.stateAt(now);
    if (state !== 'healthy') return state;
    if (calendar.blockingAt(p.venue.id, now, opts.maintenanceLeadMs) !== undefined) return 'due for maintenance';
    return 'healthy, without room for more';
  }

  interface SizedOrder {
    contracts: number;
    /** Base units the order trades, signed (+ buys). */
    signedBase: number;
    baseCode: string;
  }

  /** `signedBase` of the coin in the venue's contracts, rounded to its precision; undefined when below its minimum. */
  function sizeOrder(c: Coin, v: VenueState, signedBase: number): SizedOrder | undefined {
    const symbol = at(c, v).symbol;
    const market = v.venue.exchange.market(symbol);
    // ccxt amounts are in contracts (OKX: 0.01 BTC each; Binance, Bybit: 1 base unit); positions here are in base.
    const contractSize = contractSizeOf(c, v);
    const minQty = Number(market?.limits?.amount?.min ?? 0.001);
    if (Math.abs(signedBase) < minQty * contractSize) return undefined;
    const contracts = Number(v.venue.exchange.amountToPrecision(symbol, Math.abs(signedBase) / contractSize));
    if (contracts < minQty || round8(contracts * contractSize) < minOrderBaseOf(c, v)) return undefined;
    return { contracts, signedBase: Math.sign(signedBase) * round8(contracts * contractSize), baseCode: String(market?.base ?? '') };
  }

  /**
   * Sends one market order and books what filled. An order whose outcome is unknown is kept as
   * such (resolved by client order id before its quantity counts). Returns the signed base filled,
   * or undefined when nothing is known to have filled.
   */
  async function placeOrder(c: Coin, target: VenueState, order: SizedOrder): Promise<number | undefined> {
    const { ledger } = c;
    const symbol = at(c, target).symbol;
    const side = order.signedBase > 0 ? 'buy' : 'sell';
    const contracts = order.contracts;
    const contractSize = contractSizeOf(c, target);
    const clientOrderId = clientOrderIdFor(target.venue.id, ++orderSeq);
    const signed = order.signedBase;
    try {
      let answer = await request<any>(target, (ex) => ex.createOrder(symbol, 'market', side, contracts, undefined, { clientOrderId }));
      if (answer.filled === undefined) answer = await fillOfAcknowledged(c, target, answer, clientOrderId, contracts);
      const filled = round8(Number(answer.filled ?? 0) * contractSize);
      target.health.onOrderReached();
      ledger.bookFill(target.venue.id, Math.sign(signed) * filled);
      if (filled !== 0) noteFill(c, target, Math.sign(signed) * filled, Number(answer.average ?? answer.price) || undefined);
      return filled === 0 ? undefined : Math.sign(signed) * filled;
    } catch (error) {
      const meaning = meaningOf(error);
      if (meaning === 'unknownOutcome') {
        ledger.addUnknown({ venueId: target.venue.id, clientOrderId, signedBase: signed, sinceMs: ctx.clock.now() });
        log(`${target.venue.id}: order ${clientOrderId} outcome unknown (${errorName(error)}); resolving by client order id before re-hedging`, {
          venue: target.venue.id,
          clientOrderId,
        });
      }
      apply(target, meaning, error, 'createOrder');
      // Look the order up at once: the first lookup is also the venue's probe.
      if (meaning === 'unknownOutcome' && target.health.state === 'down') target.health.untilMs = ctx.clock.now();
      return undefined;
    }
  }

  /**
   * A position on a venue whose announced maintenance starts within `maintenanceLeadMs` moves to
   * the first usable perp venue: open it there first (the desk is never unhedged; over-hedged for
   * one round trip at most), then close it on the venue going into maintenance.
   */
  async function moveOffBeforeMaintenance(c: Coin, now: number): Promise<void> {
    const { ledger } = c;
    for (const from of venues) {
      const window = calendar.blockingAt(from.venue.id, now, opts.maintenanceLeadMs);
      if (window === undefined || now >= window.startMs) continue;
      if (from.venue.kind !== 'linearPerp' || !from.health.tradableAt(now) || !from.marketsLoaded) continue;
      if (ledger.hasUnknown(from.venue.id)) continue;
      const fromBase = ledger.positionOf(from.venue.id);
      if (Math.abs(fromBase) < minBaseOf(c, from)) continue;
      // Where the hedge can go: other perp venues, split by the router when one cannot take it all.
      const allocation = route({
        signedBase: fromBase,
        price: c.lastPrice,
        venues: venues.map((x) => routeVenueOf(c, x, x !== from && x.venue.kind === 'linearPerp' && usable(x, now))),
        limits: c.asset.limits,
        headroomFraction: ROUTER_HEADROOM,
      });
      if (allocation.legs.length !== 1 || allocation.unallocatedBase > 0) {
        log(`${from.venue.id}: maintenance in ${Math.round((window.startMs - now) / 1000)} s, moving its hedge off: ${allocation.reason}`, { venue: from.venue.id, reason: 'route' });
      }
      for (const leg of allocation.legs) {
        const to = venues.find((x) => x.venue.id === leg.venueId)!;
        const opening = sizeOrder(c, to, leg.signedBase);
        if (opening === undefined) continue;
        log(`${from.venue.id}: maintenance in ${Math.round((window.startMs - now) / 1000)} s, moving ${Math.abs(opening.signedBase)} ${opening.baseCode} hedge to ${to.venue.id}`, {
          venue: from.venue.id,
          to: to.venue.id,
          reason: 'maintenance',
          windowStartMs: window.startMs,
        });
        const moved = await move(c, to, from, opening);
        if (moved !== undefined) c.migrations.push({ fromId: from.venue.id, toId: to.venue.id, signedBase: moved, windowEndMs: window.endMs });
      }
    }
  }

  /** After the window: once the venue is healthy and reconciled, the moved hedge goes back to it. */
  async function moveBackAfterMaintenance(c: Coin, now: number): Promise<void> {
    const { ledger, migrations } = c;
    for (const m of [...migrations]) {
      if (now < m.windowEndMs) continue;
      const home = venues.find((x) => x.venue.id === m.fromId);
      const away = venues.find((x) => x.venue.id === m.toId);
      if (home === undefined || away === undefined || !usable(home, now)) continue;
      if (!away.health.tradableAt(now) || ledger.hasUnknown(home.venue.id) || ledger.hasUnknown(away.venue.id)) continue;
      // What is still there of the moved hedge (the desk may have traded it down since).
      const awayBase = ledger.positionOf(away.venue.id);
      const left = Math.sign(m.signedBase) === Math.sign(awayBase) ? Math.sign(m.signedBase) * Math.min(Math.abs(m.signedBase), Math.abs(awayBase)) : 0;
      // Only what home has room for goes back (its caps and free margin may have changed since).
      const room = left === 0 ? undefined : capacityOf(routeVenueOf(c, home, true), left > 0 ? 1 : -1, { price: c.lastPrice, limits: c.asset.limits, headroomFraction: ROUTER_HEADROOM });
      const back = room === undefined ? 0 : Math.sign(left) * Math.min(Math.abs(left), room.base);
      const opening = sizeOrder(c, home, back);
      migrations.splice(migrations.indexOf(m), 1);
      if (room !== undefined && room.base < Math.abs(left) && room.limitedBy !== undefined) {
        log(`${home.venue.id}: maintenance over; ${round8(Math.abs(left))} moved off it, room for ${round8(Math.max(0, room.base))} back (${room.limitedBy.detail}); the rest stays on ${away.venue.id}`, { venue: home.venue.id, reason: 'route' });
      }
      if (opening === undefined) continue;
      log(`${home.venue.id}: maintenance over and venue reconciled, moving ${Math.abs(opening.signedBase)} ${opening.baseCode} hedge back from ${away.venue.id}`, {
        venue: home.venue.id,
        from: away.venue.id,
        reason: 'failback',
      });
      await move(c, home, away, opening);
    }
  }

  /**
   * Under a margin-use cap: a perp venue whose last read puts its margin use near or over the cap
   * (the price moved against its position; our own hedges never open past the router's room)
   * hands the excess to venues with room — opened there first, then reduced here — until what
   * stays fits the room an opening would get. Starts at the cap less half the router's headroom,
   * so ordinary drift does not move positions back and forth.
   */
  async function relieveMargin(c: Coin, now: number): Promise<void> {
    const { ledger } = c;
    const pct = ctx.limits.marginUsePctMax;
    if (pct === undefined || c.lastPrice === undefined) return;
    for (const from of venues) {
      if (from.venue.kind !== 'linearPerp' || !from.health.tradableAt(now) || !from.marketsLoaded || ledger.hasUnknown(from.venue.id)) continue;
      const snapshot = routeVenueOf(c, from, true);
      const use = marginUsePctOf(snapshot, c.lastPrice);
      if (use === undefined || use <= pct * (1 - ROUTER_HEADROOM / 2)) continue;
      const excess = marginExcessOf(snapshot, { price: c.lastPrice, limits: c.asset.limits, headroomFraction: ROUTER_HEADROOM });
      if (excess < minBaseOf(c, from)) continue;
      const signed = Math.sign(snapshot.positionBase) * excess;
      const allocation = route({
        signedBase: signed,
        price: c.lastPrice,
        venues: venues.map((x) => routeVenueOf(c, x, x !== from && x.venue.kind === 'linearPerp' && usable(x, now) && !ledger.hasUnknown(x.venue.id))),
        limits: c.asset.limits,
        headroomFraction: ROUTER_HEADROOM,
      });
      const why = `${from.venue.id}: margin use about ${round8(use)}% of its balance, over the ${pct}% cap less headroom (the price moved against its position)`;
      if (allocation.legs.length === 0) {
        const reason = `${why}; cannot move ${excess} off: ${allocation.reason}`;
        if (reason !== c.lastShortfall) log(reason, { venue: from.venue.id, reason: 'margin' });
        c.lastShortfall = reason;
        continue;
      }
      for (const leg of allocation.legs) {
        const to = venues.find((x) => x.venue.id === leg.venueId)!;
        const opening = sizeOrder(c, to, leg.signedBase);
        if (opening === undefined) continue;
        log(`${why}: moving ${Math.abs(opening.signedBase)} ${opening.baseCode} of its hedge to ${to.venue.id}`, { venue: from.venue.id, to: to.venue.id, reason: 'margin' });
        await move(c, to, from, opening);
      }
    }
  }

  /** Opens `opening` on `to`, then closes what filled on `from`. Returns the signed base moved. */
  async function move(c: Coin, to: VenueState, from: VenueState, opening: SizedOrder): Promise<number | undefined> {
    const opened = await placeOrder(c, to, opening);
    if (opened === undefined) return undefined;
    const closing = sizeOrder(c, from, -opened);
    if (closing !== undefined) await placeOrder(c, from, closing);
    return opened;
  }

  /**
   * The first hedge waits for every venue's first read of what the desk holds there (coins on a
   * spot venue, a position on a perp) — for at most a quarter of hedgeWithinSec, and 5 s: hedging
   * the inventory before a slower venue has said it already holds the coins buys them only to sell
   * them a second later (seen with 1 BTC held on Kraken). A venue still setting up after that is
   * hedged without (a slow venue must not hold the desk unhedged).
   */
  function setupGraceMs(): number {
    return Math.min(SETUP_GRACE_MS_MAX, (ctx.limits.hedgeWithinSec * 1000) / 4);
  }

  async function run(): Promise<void> {
    const startMs = ctx.clock.now();
    let waited = false;
    while (!ctx.signal.aborted) {
      const now = ctx.clock.now();
      for (const v of venues) background(v, now);
      const settingUp = venues.filter((v) => !v.setupEnded);
      if (settingUp.length > 0 && now - startMs < setupGraceMs()) {
        waited = true;
      } else {
        if (waited && settingUp.length > 0) {
          log(`hedging before ${settingUp.map((v) => v.venue.id).join(', ')} said what the desk holds there: still setting up after ${(now - startMs) / 1000} s`, { reason: 'setup', venues: settingUp.map((v) => v.venue.id) });
        }
        waited = false;
        for (const c of coins) await hedgeStep(c);
      }
      await ctx.clock.sleep(opts.tickMs);
    }
  }

  return {
    name: 'reference',
    async start(context: PolicyContext): Promise<void> {
      ctx = context;
      // One governor for every venue's budgets, one health per venue: shared by every coin.
      governor = new RateGovernor({ reserveFraction: opts.rateReserveFraction });
      for (const venue of ctx.venues) {
        venues.push({
          venue,
          health: new VenueHealth(venue.id, opts, log),
          setupEnded: false,
          marketsLoaded: false,
          nextMarketsLoadMs: 0,
          marketsLoadFailed: false,
          nextStatusPollMs: 0,
          lastReconcileMs: -Infinity,
          nextReconcileMs: 0,
          busy: false,
          lock: Promise.resolve(),
          funds: { marginBalance: undefined, otherInitialMargin: 0, freeQuote: undefined },
        });
        // The engine needs markets, not the currency list: with keys, binanceusdm's loadMarkets
        // would also call two sapi endpoints, each one more request to spend from the budget.
        venue.exchange.options['fetchCurrencies'] = false;
        // Likewise Bybit's loadMarkets reads every category (spot, linear, inverse, options for
        // three coins: six requests at once); the engine trades one.
        if (venue.exchange.id === 'bybit') venue.exchange.options['fetchMarkets'] = { ...venue.exchange.options['fetchMarkets'], types: [venue.kind === 'spot' ? 'spot' : 'linear'] };
        guardRequests(venues[venues.length - 1]!);
      }
      for (const asset of ctx.assets) {
        coins.push({
          asset,
          ledger: new ExposureLedger(ctx.venues.map((v) => v.id), { discrepancyReadsToAdopt: DISCREPANCY_READS_TO_ADOPT }),
          lastPrice: undefined,
          lastShortfall: undefined,
          migrations: [],
          on: new Map(venues.map((v) => [v, { symbol: asset.venueSymbols[v.venue.id] ?? v.venue.symbol, coinsBase: 0, leverage: undefined, initialMargin: 0 }])),
        });
      }
      // Each venue sets up on its own (held busy meanwhile, so the loop starts nothing else there):
      // a slow venue must not hold the hedging loop back — a backup whose setup waited out a 10 s
      // client timeout kept a desk with a healthy primary unhedged (found by the property search).
      for (const v of venues) {
        v.busy = true;
        void (async () => {
          try {
            if (await loadMarkets(v)) await reconcilePositions(v);
          } finally {
            v.busy = false;
            v.setupEnded = true;
          }
        })().catch((error: unknown) => {
          if (!ctx.signal.aborted) ctx.reportError(error);
        });
      }
      loop = run().catch((error: unknown) => {
        if (!ctx.signal.aborted) ctx.reportError(error);
      });
    },
    /**
     * The engine's own ledgers, never a fresh read: each venue's booked position (acknowledged
     * fills, settled unknown orders, adopted reconciliation reads), and the net it hedges to.
     * An order still of unknown outcome counts nowhere, as in the hedge decision. The first coin
     * at the top; with several, each other coin under `byAsset`.
     */
    view() {
      const [first, ...others] = coins;
      if (first === undefined) return { netBase: 0, byVenue: {} };
      const view = first.ledger.view(first.asset.inventoryBase());
      if (others.length === 0) return view;
      return { ...view, byAsset: Object.fromEntries(others.map((c) => [c.asset.asset, c.ledger.view(c.asset.inventoryBase())])) };
    },
    async stop(): Promise<void> {
      // The loop ends at its next sleep once the signal is aborted; nothing to flush.
      void loop;
    },
  };
}

function errorName(error: unknown): string {
  return (error as { constructor?: { name?: string } })?.constructor?.name ?? 'Error';
}

async function safe(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch {
    // best effort
  }
}

export type { ExchangeClient };

/** ccxt's fetchOrder parameters for a lookup, in the spelling each exchange's ccxt class reads. */
function lookupParams(exchangeId: string, by: { clientOrderId?: string }): Record<string, unknown> {
  const id = by.clientOrderId;
  if (exchangeId.startsWith('binance')) return id === undefined ? {} : { origClientOrderId: id };
  if (exchangeId === 'bybit') return id === undefined ? { acknowledged: true } : { orderLinkId: id, acknowledged: true };
  return id === undefined ? {} : { clientOrderId: id };
}

/**
 * A client order id every venue accepts: OKX allows only letters and digits (up to 32), Binance
 * and Bybit also take "-" and "_"; so letters and digits only, e.g. "vcbackupa17".
 */
export function clientOrderIdFor(venueId: string, seq: number): string {
  return `vc${venueId.replace(/[^A-Za-z0-9]/g, '')}${seq}`.slice(0, 32);
}

/** "2026-01-01T01:00:00Z": a window's edge in the log. */
function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
