import type { ExchangeClient, Policy, PolicyContext, PolicyVenue } from './policy.ts';
import { classifyError, retryAfterSecFrom, type ErrorMeaning } from './errors.ts';

/**
 * The reference redundancy engine, v0.
 *
 * Keeps the desk's net exposure (inventory + hedges on every venue) near zero by trading the
 * linear perp on the first usable venue in the scenario's order. Per venue it keeps a health
 * state fed by what ccxt raised *and what it means* (src/redundancy/errors.ts):
 *
 * - down: no traffic except one probe (`fetchTime`) per probe interval, backing off ×2 to 60 s
 *   (held at the minimum while the desk is stranded: over its limit with no venue usable);
 * - rateLimited: no traffic at all until `Retry-After` has passed;
 * - maintenance: only the status endpoint is polled until it says "ok";
 * - an order whose outcome is unknown (timeout, reset, 5xx…) is kept as *unknown* and resolved by
 *   client order id on that venue before its quantity counts either way. If the venue stays
 *   unreachable longer than `unknownWaitMs`, the engine hedges the quantity elsewhere, assuming
 *   the unknown order did not execute, and keeps it flagged until reconciled (the trade-off is
 *   logged: a lost acknowledgement would make this a temporary double hedge, which the
 *   reconciliation unwinds when the venue returns).
 *
 * Every decision is logged to the trace with its reason.
 */

export interface ReferenceOptions {
  /** How often the engine looks at exposure. */
  tickMs: number;
  probeIntervalMsMin: number;
  probeIntervalMsMax: number;
  statusPollMs: number;
  reconcileMs: number;
  /** How long an unknown order may block re-hedging its quantity elsewhere. */
  unknownWaitMs?: number;
}

const DEFAULTS: ReferenceOptions = {
  tickMs: 1000,
  probeIntervalMsMin: 5000,
  probeIntervalMsMax: 60_000,
  statusPollMs: 30_000,
  reconcileMs: 60_000,
};

type HealthState = 'healthy' | 'down' | 'rateLimited' | 'maintenance';

interface VenueState {
  venue: PolicyVenue;
  state: HealthState;
  /** down: next probe time; rateLimited: Retry-After end; maintenance: next status poll. */
  untilMs: number;
  probeIntervalMs: number;
  marketsLoaded: boolean;
  /** The engine's belief of its position on this venue, in base units. */
  positionBase: number;
  lastReconcileMs: number;
  /** A background probe or status poll in flight (one at a time per venue). */
  busy: boolean;
  /** Set after a definite rejection (e.g. margin), or orders lost in transit: skip this venue for hedges until then. */
  avoidUntilMs: number;
  /** 429s in a row that named no wait (the backoff grows with them), and when the last came. */
  silentLimits: number;
  silentLimitAtMs: number;
  /** Orders in a row that never reached the venue although it answered the lookup (a partial outage of its order path). */
  ordersLost: number;
  /** Requests to one venue go one at a time (see `request`). */
  lock: Promise<void>;
  /** Counts fills of ours this engine learned of on the venue (acknowledged or looked up). */
  ownFillSeq: number;
  /** A position read that disagreed with our ledger, and how many reads in a row said the same. */
  discrepancy: { positionBase: number; reads: number; ownFillSeq: number } | undefined;
}

/**
 * Reads that disagree with our acknowledged fills are kept out of the ledger until this many
 * consecutive reads, with no trading of ours in between, say the same: a lagging read (eventual
 * consistency after a write) must not undo a fill we know happened.
 */
const DISCREPANCY_READS_TO_ADOPT = 3;

/** How long to keep hedges off a venue whose order path lost an order, doubling per loss in a row, capped. */
const ORDER_PATH_BACKOFF_MS = 30_000;
const ORDER_PATH_BACKOFF_MAX_MS = 300_000;

/** Longest wait after a 429 that named none (OKX): the backoff doubles from 2 s up to this. */
const SILENT_LIMIT_BACKOFF_MAX_SEC = 16;

/** A request not sent because the venue's Retry-After had not passed when its turn came. */
class QuietError extends Error {
  constructor(venue: string, untilMs: number) {
    super(`${venue}: not sent, Retry-After runs until ${untilMs}`);
  }
}

interface UnknownOrder {
  venueId: string;
  clientOrderId: string;
  signedBase: number;
  sinceMs: number;
  /** Its quantity has been hedged elsewhere on the assumption that it did not execute. */
  coveredElsewhere: boolean;
}

const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

export function createReferencePolicy(options: Partial<ReferenceOptions> = {}): Policy {
  const opts: ReferenceOptions = { ...DEFAULTS, ...options };
  let ctx: PolicyContext;
  const venues: VenueState[] = [];
  const unknowns: UnknownOrder[] = [];
  let orderSeq = 0;
  let loop: Promise<void> | undefined;

  const log = (message: string, data?: Record<string, unknown>): void => ctx.log(message, data);

  /**
   * Every request to a venue goes through here, one at a time per venue. Concurrent requests
   * would let one that was queued (by us or inside ccxt's throttle) leave after another's 429
   * arrived, ignoring its Retry-After. Each request re-checks the venue's state when its turn comes.
   */
  async function request<T = any>(v: VenueState, fn: (exchange: PolicyVenue['exchange']) => Promise<T>): Promise<T> {
    const previous = v.lock;
    let release: () => void = () => undefined;
    v.lock = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      if (v.state === 'rateLimited' && ctx.clock.now() < v.untilMs) throw new QuietError(v.venue.id, v.untilMs);
      const answer = await fn(v.venue.exchange);
      v.silentLimits = 0;
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

  function usable(v: VenueState, now: number): boolean {
    if (v.state === 'rateLimited' && now >= v.untilMs) {
      v.state = 'healthy';
      log(`${v.venue.id}: Retry-After elapsed, venue usable again`, { venue: v.venue.id, health: 'healthy' });
    }
    return v.state === 'healthy' && v.marketsLoaded && now >= v.avoidUntilMs;
  }

  function markDown(v: VenueState, reason: string): void {
    const now = ctx.clock.now();
    if (v.state !== 'down') {
      v.probeIntervalMs = opts.probeIntervalMsMin;
      log(`${v.venue.id}: marked down (${reason}); probing every ${v.probeIntervalMs / 1000} s`, { venue: v.venue.id, health: 'down' });
    }
    v.state = 'down';
    v.untilMs = now + v.probeIntervalMs;
  }

  function apply(v: VenueState, meaning: ErrorMeaning | 'quiet', error: unknown, during: string): void {
    const now = ctx.clock.now();
    switch (meaning) {
      case 'quiet':
        return;
      case 'rateLimited':
      case 'banned': {
        // A venue that says nothing: ten minutes for a ban (Bybit's 403 IP ban: "wait at least 10
        // minutes"); for a 429 (OKX sends no Retry-After; its budgets reset every 2 s) back off
        // 2 s, 4, 8, 16 while the refusals continue — one gentle probe, not a silence that
        // outlasts the storm. (`request` and the caller both apply one refusal: count it once.)
        const announced = retryAfterSecFrom(v.venue.exchange, now);
        if (announced === undefined && meaning === 'rateLimited' && v.silentLimitAtMs !== now) {
          v.silentLimits += 1;
          v.silentLimitAtMs = now;
        }
        const retryAfterSec = announced ?? (meaning === 'banned' ? 600 : Math.min(2 ** v.silentLimits, SILENT_LIMIT_BACKOFF_MAX_SEC));
        // One extra second: Retry-After is rounded to whole seconds by the venue.
        const untilMs = now + retryAfterSec * 1000 + 1000;
        if (v.state === 'rateLimited' && v.untilMs >= untilMs) return; // already applied by `request`
        v.state = 'rateLimited';
        v.untilMs = untilMs;
        log(`${v.venue.id}: ${meaning === 'banned' ? 'IP banned' : 'rate limited'} on ${during}; honouring Retry-After ${retryAfterSec} s`, {
          venue: v.venue.id,
          health: 'rateLimited',
          retryAfterSec,
        });
        return;
      }
      case 'maintenance':
        v.state = 'maintenance';
        v.untilMs = now + opts.statusPollMs;
        log(`${v.venue.id}: in maintenance (${during}); polling status every ${opts.statusPollMs / 1000} s`, { venue: v.venue.id, health: 'maintenance' });
        return;
      case 'unavailable':
      case 'unknownOutcome':
        markDown(v, `${errorName(error)} on ${during}`);
        return;
      case 'clockSkew':
        // A local clock problem, not an outage: re-sync instead of failing over.
        v.venue.exchange.options['adjustForTimeDifference'] = true;
        log(`${v.venue.id}: timestamp rejected on ${during}; re-syncing the clock offset`, { venue: v.venue.id });
        void safe(() => request(v, (ex) => ex.loadTimeDifference()));
        return;
      case 'rejected':
        v.avoidUntilMs = now + 30_000;
        log(`${v.venue.id}: ${during} rejected (${errorName(error)}: ${String((error as Error)?.message ?? error).slice(0, 160)}); avoiding for 30 s`, {
          venue: v.venue.id,
        });
        return;
    }
  }

  async function loadMarkets(v: VenueState): Promise<boolean> {
    try {
      await request<any>(v, (ex) => ex.loadMarkets());
      // Bybit's ccxt client probes the account type (two requests at once) before its first
      // private call and caches the answer: probe now, while the venue is calm, so the pair never
      // lands inside a later 429 window where the second would ignore the first's Retry-After.
      if (typeof v.venue.exchange.isUnifiedEnabled === 'function') await request<any>(v, (ex) => ex.isUnifiedEnabled());
      v.marketsLoaded = true;
      return true;
    } catch (error) {
      apply(v, meaningOf(error), error, 'loadMarkets');
      return false;
    }
  }

  /** Base units per ccxt amount unit on this venue's market (1 unless the venue trades contracts). */
  function contractSizeOf(v: VenueState): number {
    const size = Number(v.venue.exchange.market?.(v.venue.symbol)?.contractSize ?? 1);
    return Number.isFinite(size) && size > 0 ? size : 1;
  }

  /** The venue's word on our exposure there: a derivatives position, or on a spot venue the coins held. */
  async function readExposure(v: VenueState): Promise<number> {
    if (v.venue.kind === 'spot') {
      const balance = await request<any>(v, (ex) => ex.fetchBalance());
      const base = v.venue.symbol.split('/')[0] ?? '';
      return round8(Number(balance?.total?.[base] ?? 0));
    }
    const positions: any[] = await request<any>(v, (ex) => ex.fetchPositions([v.venue.symbol]));
    const p = positions.find((x) => x.symbol === v.venue.symbol);
    return round8(p === undefined ? 0 : (p.side === 'short' ? -1 : 1) * Number(p.contracts ?? 0) * Number(p.contractSize ?? 1));
  }

  async function reconcilePositions(v: VenueState): Promise<void> {
    try {
      const signed = await readExposure(v);
      if (signed === round8(v.positionBase)) {
        v.discrepancy = undefined;
      } else if (v.ownFillSeq === 0) {
        // Nothing traded here yet: the venue's word is all we have.
        log(`${v.venue.id}: position read ${signed} (venue truth, nothing of ours traded here yet)`, { venue: v.venue.id });
        v.positionBase = signed;
      } else {
        const d = v.discrepancy;
        v.discrepancy = d !== undefined && d.positionBase === signed && d.ownFillSeq === v.ownFillSeq ? { ...d, reads: d.reads + 1 } : { positionBase: signed, reads: 1, ownFillSeq: v.ownFillSeq };
        if (v.discrepancy.reads >= DISCREPANCY_READS_TO_ADOPT) {
          log(`${v.venue.id}: position read ${signed} disagreed with our ledger ${v.positionBase} in ${v.discrepancy.reads} reads in a row with no trading of ours: adopting the venue's truth`, { venue: v.venue.id });
          v.positionBase = signed;
          v.discrepancy = undefined;
        } else {
          log(`${v.venue.id}: position read ${signed} disagrees with our acknowledged fills (${v.positionBase}); a lagging read? keeping our ledger (${v.discrepancy.reads}/${DISCREPANCY_READS_TO_ADOPT})`, { venue: v.venue.id });
        }
      }
      v.lastReconcileMs = ctx.clock.now();
    } catch (error) {
      apply(v, meaningOf(error), error, 'fetchPositions');
    }
  }

  /** Background: one probe or status poll per venue at a time, never blocking the hedge loop. */
  function background(v: VenueState, now: number): void {
    if (v.busy) return;
    if (v.state === 'down' && now >= v.untilMs) {
      v.busy = true;
      void (async () => {
        try {
          const pending = unknowns.some((u) => u.venueId === v.venue.id);
          // With an order of unknown outcome on the venue, the lookup that settles it is the probe:
          // a lost acknowledgement on a live venue resolves in one round trip instead of a
          // probe interval, before its quantity is hedged anywhere else.
          if (pending) await lookupUnknowns(v);
          else await request<any>(v, (ex) => ex.fetchTime());
          log(`${v.venue.id}: ${pending ? 'order lookup' : 'probe'} answered; venue recovering`, { venue: v.venue.id, health: 'healthy' });
          v.state = 'healthy';
          if (!v.marketsLoaded) await loadMarkets(v);
          await resolveUnknowns(v);
          if (v.state === 'healthy') await reconcilePositions(v);
        } catch (error) {
          const meaning = meaningOf(error);
          if (meaning === 'unavailable' || meaning === 'unknownOutcome') {
            const uncovered = unknowns.some((u) => u.venueId === v.venue.id && !u.coveredElsewhere);
            // Keep asking quickly while an uncovered unknown order blocks re-hedging; back off otherwise —
            // unless the desk is stranded (over its limit, no venue usable): then this venue coming
            // back is the only way to hedge, and one probe per minimum interval is the budget.
            const urgent = !uncovered && strandedAt(ctx.clock.now());
            v.probeIntervalMs = uncovered || urgent ? opts.probeIntervalMsMin : Math.min(v.probeIntervalMs * 2, opts.probeIntervalMsMax);
            v.untilMs = ctx.clock.now() + (uncovered ? opts.tickMs : v.probeIntervalMs);
          } else {
            apply(v, meaning, error, 'probe');
          }
        } finally {
          v.busy = false;
        }
      })();
    } else if (v.state === 'maintenance' && now >= v.untilMs) {
      v.busy = true;
      void (async () => {
        try {
          const status = await request<any>(v, (ex) => ex.fetchStatus());
          if (status?.status === 'ok') {
            log(`${v.venue.id}: status ok; maintenance over`, { venue: v.venue.id, health: 'healthy' });
            v.state = 'healthy';
            await resolveUnknowns(v);
            if (v.state === 'healthy') await reconcilePositions(v);
          } else {
            v.untilMs = ctx.clock.now() + opts.statusPollMs;
          }
        } catch (error) {
          const meaning = meaningOf(error);
          if (meaning === 'maintenance') v.untilMs = ctx.clock.now() + opts.statusPollMs;
          else apply(v, meaning, error, 'fetchStatus');
        } finally {
          v.busy = false;
        }
      })();
    } else if (v.state === 'healthy' && now >= v.untilMs && unknowns.some((u) => u.venueId === v.venue.id)) {
      // An order of unknown outcome on a venue that answers: look it up before anything else there.
      v.busy = true;
      void resolveUnknowns(v).finally(() => {
        v.busy = false;
      });
    } else if (v.state === 'healthy' && v.marketsLoaded && now - v.lastReconcileMs >= opts.reconcileMs && !unknowns.some((u) => u.venueId === v.venue.id)) {
      v.busy = true;
      void reconcilePositions(v).finally(() => {
        v.busy = false;
      });
    }
  }

  /** Settles every unknown order on the venue by client order id; throws what the venue raised if it cannot. */
  async function lookupUnknowns(v: VenueState): Promise<void> {
    for (const u of unknowns.filter((x) => x.venueId === v.venue.id)) {
      try {
        settle(v, u, await fetchByClientOrderId(v, u.clientOrderId));
      } catch (error) {
        if (errorName(error) !== 'OrderNotFound') throw error;
        settle(v, u, undefined);
      }
    }
  }

  /**
   * An order looked up by the client order id we sent. ccxt spells the lookup per exchange:
   * Binance `origClientOrderId`, Bybit `orderLinkId` (and `acknowledged`, since Bybit's realtime
   * endpoint only sees recent orders), OKX and others the unified `clientOrderId`.
   */
  function fetchByClientOrderId(v: VenueState, clientOrderId: string): Promise<any> {
    return request<any>(v, (ex) => ex.fetchOrder(undefined, v.venue.symbol, lookupParams(ex.id, { clientOrderId })));
  }

  /** An order looked up by the venue's order id. */
  function fetchById(v: VenueState, orderId: string): Promise<any> {
    return request<any>(v, (ex) => ex.fetchOrder(orderId, v.venue.symbol, lookupParams(v.venue.exchange.id, {})));
  }

  /**
   * Some venues acknowledge an order with its ids only (Bybit): the order itself says what
   * executed, so read it. If that read fails — a lagging account service that does not know the
   * order yet, or a venue that stopped answering — the venue has still *accepted* a market order,
   * which fills: book it as filled (reconciliation corrects a partial fill later) rather than
   * treating it as unknown and hedging it twice.
   */
  async function fillOfAcknowledged(v: VenueState, ack: any, clientOrderId: string, contracts: number): Promise<any> {
    try {
      return ack.id !== undefined ? await fetchById(v, String(ack.id)) : await fetchByClientOrderId(v, clientOrderId);
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
  function settle(v: VenueState, u: UnknownOrder, order: { status?: string; filled?: number } | undefined): void {
    const filled = round8(Number(order?.filled ?? 0) * contractSizeOf(v) * Math.sign(u.signedBase));
    v.positionBase = round8(v.positionBase + filled);
    if (filled !== 0) v.ownFillSeq += 1;
    if (order === undefined) {
      // The venue answers its lookup but never saw the order: its order path is down while the
      // rest answers (a partial outage). Hedge elsewhere for a while, longer each time.
      v.ordersLost += 1;
      const avoidMs = Math.min(ORDER_PATH_BACKOFF_MS * 2 ** (v.ordersLost - 1), ORDER_PATH_BACKOFF_MAX_MS);
      v.avoidUntilMs = Math.max(v.avoidUntilMs, ctx.clock.now() + avoidMs);
      log(`${v.venue.id}: ${v.ordersLost} order(s) in a row lost before reaching the venue while it answers reads; hedging elsewhere for ${avoidMs / 1000} s`, { venue: v.venue.id });
    } else {
      v.ordersLost = 0;
    }
    log(
      order === undefined
        ? `${v.venue.id}: unknown order ${u.clientOrderId} resolved: never reached the venue`
        : `${v.venue.id}: unknown order ${u.clientOrderId} resolved: ${order.status}, filled ${Math.abs(filled)}${u.coveredElsewhere && filled !== 0 ? ' (was hedged elsewhere too: unwinding the excess)' : ''}`,
      { venue: v.venue.id, clientOrderId: u.clientOrderId, filledBase: filled },
    );
    unknowns.splice(unknowns.indexOf(u), 1);
  }

  /** Looks each unknown order on this venue up by client order id; its fill then counts. */
  async function resolveUnknowns(v: VenueState): Promise<void> {
    for (const u of unknowns.filter((x) => x.venueId === v.venue.id)) {
      try {
        settle(v, u, await fetchByClientOrderId(v, u.clientOrderId));
      } catch (error) {
        if (errorName(error) === 'OrderNotFound') {
          settle(v, u, undefined);
        } else {
          apply(v, meaningOf(error), error, 'fetchOrder');
          return;
        }
      }
    }
  }

  /** Over the limit with no venue able to take the hedge: every recovery counts. */
  function strandedAt(now: number): boolean {
    const net = ctx.inventoryBase() + venues.reduce((sum, x) => sum + x.positionBase, 0);
    return Math.abs(net) > ctx.limits.netBaseMax && !venues.some((x) => x.state === 'healthy' && x.marketsLoaded && now >= x.avoidUntilMs);
  }

  function unknownWaitMs(): number {
    return opts.unknownWaitMs ?? Math.max(1000, (ctx.limits.hedgeWithinSec * 1000) / 3);
  }

  async function hedgeStep(): Promise<void> {
    const now = ctx.clock.now();
    const believed = venues.reduce((s, v) => s + v.positionBase, 0);
    // Unknown orders not yet covered elsewhere still count as "maybe": wait for them (briefly).
    const pending = unknowns.filter((u) => !u.coveredElsewhere);
    const waiting = pending.filter((u) => now - u.sinceMs < unknownWaitMs());
    if (waiting.length > 0) return;
    for (const u of pending) {
      u.coveredElsewhere = true;
      log(`${u.venueId}: order ${u.clientOrderId} still unknown after ${unknownWaitMs() / 1000} s; hedging its ${Math.abs(u.signedBase)} elsewhere, assuming it did not execute, until reconciled`, {
        venue: u.venueId,
        clientOrderId: u.clientOrderId,
      });
    }
    const net = round8(ctx.inventoryBase() + believed);
    const target = venues.find((v) => usable(v, now));
    if (target === undefined) return;
    const symbol = target.venue.symbol;
    const market = target.venue.exchange.market(symbol);
    // ccxt amounts are in contracts (OKX: 0.01 BTC each; Binance, Bybit: 1 base unit); positions here are in base.
    const contractSize = contractSizeOf(target);
    const minQty = Number(market?.limits?.amount?.min ?? 0.001);
    if (Math.abs(net) < minQty * contractSize) return;
    const side = net > 0 ? 'sell' : 'buy';
    const contracts = Number(target.venue.exchange.amountToPrecision(symbol, Math.abs(net) / contractSize));
    if (contracts < minQty) return;
    const amount = round8(contracts * contractSize);
    const clientOrderId = clientOrderIdFor(target.venue.id, ++orderSeq);
    log(`hedging net ${net} ${market?.base ?? ''}: ${side} ${amount} on ${target.venue.id}${target !== venues[0] ? ` (primary ${venues[0]?.venue.id} is ${venues[0]?.state})` : ''}`, {
      venue: target.venue.id,
      clientOrderId,
      side,
      amount,
    });
    const signed = side === 'buy' ? amount : -amount;
    try {
      let order = await request<any>(target, (ex) => ex.createOrder(symbol, 'market', side, contracts, undefined, { clientOrderId }));
      if (order.filled === undefined) order = await fillOfAcknowledged(target, order, clientOrderId, contracts);
      const filled = round8(Number(order.filled ?? 0) * contractSize);
      target.ordersLost = 0;
      target.positionBase = round8(target.positionBase + Math.sign(signed) * filled);
      if (filled !== 0) target.ownFillSeq += 1;
    } catch (error) {
      const meaning = meaningOf(error);
      if (meaning === 'unknownOutcome') {
        unknowns.push({ venueId: target.venue.id, clientOrderId, signedBase: signed, sinceMs: ctx.clock.now(), coveredElsewhere: false });
        log(`${target.venue.id}: order ${clientOrderId} outcome unknown (${errorName(error)}); resolving by client order id before re-hedging`, {
          venue: target.venue.id,
          clientOrderId,
        });
      }
      apply(target, meaning, error, 'createOrder');
      // Look the order up at once: the first lookup is also the venue's probe.
      if (meaning === 'unknownOutcome') target.untilMs = ctx.clock.now();
    }
  }

  async function run(): Promise<void> {
    while (!ctx.signal.aborted) {
      const now = ctx.clock.now();
      for (const v of venues) background(v, now);
      await hedgeStep();
      await ctx.clock.sleep(opts.tickMs);
    }
  }

  return {
    name: 'reference',
    async start(context: PolicyContext): Promise<void> {
      ctx = context;
      for (const venue of ctx.venues) {
        venues.push({
          venue,
          state: 'healthy',
          untilMs: 0,
          probeIntervalMs: opts.probeIntervalMsMin,
          marketsLoaded: false,
          positionBase: 0,
          lastReconcileMs: -Infinity,
          busy: false,
          avoidUntilMs: 0,
          ordersLost: 0,
          silentLimits: 0,
          silentLimitAtMs: -1,
          lock: Promise.resolve(),
          ownFillSeq: 0,
          discrepancy: undefined,
        });
        // The engine needs markets, not the currency list: with keys, binanceusdm's loadMarkets
        // would also call two sapi endpoints, each one more request to spend from the budget.
        venue.exchange.options['fetchCurrencies'] = false;
      }
      await Promise.all(venues.map(async (v) => {
        if (await loadMarkets(v)) await reconcilePositions(v);
      }));
      loop = run().catch((error: unknown) => {
        if (!ctx.signal.aborted) ctx.reportError(error);
      });
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
