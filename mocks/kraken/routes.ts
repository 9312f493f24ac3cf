import type { DialectContext, EndpointGroup } from '../types.ts';
import type { MarketSpec, Order, PlaceOrderRequest } from '../../src/venue/types.ts';
import { KRAKEN_ERRORS, errorResponse, okResponse, rejectionError, type KrakenErrorString } from './errors.ts';
import * as d from './format.ts';
import { engineIdOf, krakenAsset, krakenPair, txidOf } from './ids.ts';
import { COUNTER_COST } from './limits.ts';
import { orderDescription, renderAsset, renderAssetPair, renderBalanceEx, renderDepth, renderOrder, renderSystemStatus, renderTicker, renderTime, renderTrade } from './render.ts';

/**
 * The route table of the Kraken spot dialect: one entry per (method, path) on `api.<host>`, looked
 * up in a Map by the host's single MSW handler (DESIGN fact 5). `weight` is the call-counter
 * increment (limits.ts), `orderCount` 1 for AddOrder (the trading counter).
 */

export interface RouteRequest {
  /** GET: the query; POST: the form (or JSON) body's fields. */
  params: Params;
  nowMs: number;
  /** The venue's own clock (skewed under clockSkew). */
  clockMs: number;
  ctx: DialectContext;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  group: EndpointGroup;
  signed: boolean;
  weight: number;
  orderCount: number;
  handle: (req: RouteRequest) => Response;
}

export const routeKey = (method: string, path: string): string => `${method} ${path}`;

/** Request parameters from a query string or a form/JSON body. */
export class Params {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  static fromForm(form: URLSearchParams): Params {
    return new Params(Object.fromEntries(form));
  }

  str(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }

  bool(name: string): boolean {
    const v = this.str(name);
    return v === 'true' || v === 'True' || v === '1';
  }

  has(name: string): boolean {
    return this.str(name) !== undefined;
  }
}

/**
 * What the dialect remembers beyond the engine: the `userref` each order was placed with (an
 * int32 tag Kraken lets many orders share, so it cannot be the engine's unique client id), and
 * which engine client ids it invented for orders sent without `cl_ord_id`.
 */
export interface DialectOrders {
  userrefs: Map<string, number>;
  nextAutoClientId(): string;
  isAutoClientId(id: string): boolean;
}

export function createDialectOrders(): DialectOrders {
  let n = 0;
  // '::' is outside Kraken's cl_ord_id alphabet, so an invented id never collides with a client's.
  const PREFIX = '::kraken-auto:';
  return { userrefs: new Map(), nextAutoClientId: () => `${PREFIX}${++n}`, isAutoClientId: (id) => id.startsWith(PREFIX) };
}

// ---------------------------------------------------------------------------------------------
// Helpers

class RequestRejected extends Error {
  constructor(readonly error: KrakenErrorString) {
    super(error);
  }
}

const reject: (error: KrakenErrorString) => never = (error) => {
  throw new RequestRejected(error);
};

function guarded(handle: (req: RouteRequest) => Response): (req: RouteRequest) => Response {
  return (req) => {
    try {
      return handle(req);
    } catch (e) {
      if (e instanceof RequestRejected) return errorResponse([e.error]);
      throw e;
    }
  };
}

/** Markets Kraken lists: the engine's spot markets (a perpetual is not a Kraken spot pair). */
const spotMarkets = (req: RouteRequest): MarketSpec[] => req.ctx.engine.markets.filter((m) => m.kind === 'spot');

/** A market by Kraken pair id or altname ("XXBTZUSD" or "XBTUSD"). */
function marketByPair(req: RouteRequest, pair: string): MarketSpec | undefined {
  return spotMarkets(req).find((m) => {
    const p = krakenPair(m);
    return p.id === pair || p.altname === pair;
  });
}

function pairParam(req: RouteRequest): MarketSpec {
  const pair = req.params.str('pair');
  if (pair === undefined) return reject(`${KRAKEN_ERRORS.invalidArguments}:pair`);
  return marketByPair(req, pair) ?? reject(KRAKEN_ERRORS.invalidPair);
}

function specOf(req: RouteRequest, symbol: string): MarketSpec {
  const spec = req.ctx.engine.market(symbol);
  if (spec === undefined) throw new Error(`venuechaos kraken dialect: the engine reported an order on unknown market ${symbol}`);
  return spec;
}

const INT32 = /^-?[0-9]{1,10}$/;

/** An int32 `userref`; anything else is Kraken's "EGeneral:Invalid arguments:userref". */
function userrefParam(req: RouteRequest): number | undefined {
  const raw = req.params.str('userref');
  if (raw === undefined) return undefined;
  const n = INT32.test(raw) ? Number(raw) : Number.NaN;
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : reject(`${KRAKEN_ERRORS.invalidArguments}:userref`);
}

/** Seconds (Kraken's `start`/`end`), or undefined. */
function secondsParam(req: RouteRequest, name: string): number | undefined {
  const raw = req.params.str(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n * 1000 : reject(`${KRAKEN_ERRORS.invalidArguments}:${name}`);
}

const clOrdIdOf = (orders: DialectOrders, order: Order): string | undefined => (orders.isAutoClientId(order.clientOrderId) ? undefined : order.clientOrderId);

function renderEngineOrder(req: RouteRequest, orders: DialectOrders, order: Order, withTrades: boolean): Record<string, unknown> {
  return renderOrder({
    order,
    spec: specOf(req, order.symbol),
    clOrdId: clOrdIdOf(orders, order),
    userref: orders.userrefs.get(order.orderId),
    fills: req.ctx.accountView().trades(order.symbol, { orderId: order.orderId }),
    withTrades,
  });
}

/** Every order the account view knows of, by Kraken txid (open and finished). */
function findOrder(req: RouteRequest, txid: string): Order | undefined {
  const engineId = engineIdOf('O', txid);
  if (engineId === undefined) return undefined;
  const view = req.ctx.accountView();
  for (const m of spotMarkets(req)) {
    const o = view.getOrder({ symbol: m.symbol, orderId: engineId });
    if (o !== undefined) return o;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// AddOrder

const CL_ORD_ID = /^[0-9A-Za-z_-]{1,36}$/;
/** oflags the mock understands; `fcib`/`fciq`/`nompp` are accepted and have no effect (fees are always in quote). */
const OFLAGS = new Set(['post', 'fcib', 'fciq', 'nompp']);

/** Parses `POST /0/private/AddOrder` the way Kraken's gateway checks it, before the engine sees it. */
function parseAddOrder(req: RouteRequest, spec: MarketSpec, orders: DialectOrders): PlaceOrderRequest & { userref: number | undefined } {
  const p = req.params;
  const side = p.str('type');
  if (side !== 'buy' && side !== 'sell') return reject(`${KRAKEN_ERRORS.invalidArguments}:type`);
  const ordertype = p.str('ordertype');
  if (ordertype !== 'market' && ordertype !== 'limit') return reject(KRAKEN_ERRORS.orderTypeNotModelled);
  const flags = (p.str('oflags') ?? '').split(',').filter((f) => f !== '');
  if (flags.includes('viqc')) return reject(`${KRAKEN_ERRORS.invalidArguments}:viqc`);
  if (flags.some((f) => !OFLAGS.has(f))) return reject(`${KRAKEN_ERRORS.invalidArguments}:oflags`);
  const postOnly = flags.includes('post');
  if (postOnly && ordertype !== 'limit') return reject(`${KRAKEN_ERRORS.invalidArguments}:oflags`);
  if (p.has('leverage')) return reject(`${KRAKEN_ERRORS.invalidArguments}:leverage`);
  const volume = p.str('volume');
  if (volume === undefined || !d.DECIMAL_PARAM.test(volume)) return reject(KRAKEN_ERRORS.invalidVolume);
  let price: string | undefined;
  if (ordertype === 'limit') {
    price = p.str('price');
    if (price === undefined || !d.DECIMAL_PARAM.test(price)) return reject(`${KRAKEN_ERRORS.invalidArguments}:price`);
  }
  const tif = p.str('timeinforce') ?? 'GTC';
  if (tif !== 'GTC' && tif !== 'IOC') return reject(`${KRAKEN_ERRORS.invalidArguments}:timeinforce`);
  const clOrdId = p.str('cl_ord_id');
  if (clOrdId !== undefined && !CL_ORD_ID.test(clOrdId)) return reject(`${KRAKEN_ERRORS.invalidArguments}:cl_ord_id`);
  const userref = userrefParam(req);
  if (clOrdId !== undefined && userref !== undefined) return reject(`${KRAKEN_ERRORS.invalidArguments}:cl_ord_id and userref are mutually exclusive`);
  return {
    symbol: spec.symbol,
    side,
    type: ordertype,
    qty: volume,
    ...(price !== undefined ? { price } : {}),
    timeInForce: ordertype === 'market' ? 'IOC' : postOnly ? 'GTX' : tif,
    reduceOnly: p.bool('reduce_only'),
    clientOrderId: clOrdId ?? orders.nextAutoClientId(),
    nowMs: req.nowMs,
    userref,
  };
}

/**
 * `deadline` (RFC 3339): Kraken refuses to match an order after it. Checked against the venue's
 * clock, so a skewed venue clock refuses orders whose client sets a short deadline — the one way
 * clock skew shows on Kraken (README). ccxt sends no deadline unless asked.
 */
function checkDeadline(req: RouteRequest): void {
  const raw = req.params.str('deadline');
  if (raw === undefined) return;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) reject(`${KRAKEN_ERRORS.invalidArguments}:deadline`);
  if (ms <= req.clockMs) reject(KRAKEN_ERRORS.deadlineElapsed);
  if (ms > req.clockMs + 60_000) reject(`${KRAKEN_ERRORS.invalidArguments}:deadline`);
}

// ---------------------------------------------------------------------------------------------
// The table

const route = (method: Route['method'], path: string, group: EndpointGroup, weight: number, handle: Route['handle'], orderCount = 0): Route => ({
  method,
  path,
  group,
  signed: path.startsWith('/0/private/'),
  weight,
  orderCount,
  handle,
});

export function buildRoutes(orders: DialectOrders): Route[] {
  const routes: Route[] = [
    route('GET', '/0/public/Time', 'status', COUNTER_COST.public, (req) => okResponse(renderTime(req.clockMs))),
    route('GET', '/0/public/SystemStatus', 'status', COUNTER_COST.public, (req) =>
      okResponse(renderSystemStatus({ status: systemStatusOf(req.ctx), clockMs: req.clockMs, notices: req.ctx.announcedMaintenance() })),
    ),
    route('GET', '/0/public/Assets', 'reference', COUNTER_COST.public, (req) => {
      const codes = new Set<string>();
      for (const m of spotMarkets(req)) for (const c of [m.base, m.quote]) codes.add(c);
      for (const b of req.ctx.engine.balances(req.nowMs)) codes.add(b.asset);
      const wanted = req.params.str('asset')?.split(',');
      const assets = [...codes].sort().map(krakenAsset);
      if (wanted !== undefined && wanted.some((w) => !assets.some((a) => a.id === w || a.altname === w))) return reject(KRAKEN_ERRORS.unknownAsset);
      const listed = assets.filter((a) => wanted === undefined || wanted.includes(a.id) || wanted.includes(a.altname));
      return okResponse(Object.fromEntries(listed.map((a) => [a.id, renderAsset(a)])));
    }),
    route('GET', '/0/public/AssetPairs', 'reference', COUNTER_COST.public, (req) => {
      const wanted = req.params.str('pair')?.split(',');
      const markets = wanted === undefined ? spotMarkets(req) : wanted.map((w) => marketByPair(req, w) ?? reject(KRAKEN_ERRORS.invalidPair));
      return okResponse(Object.fromEntries(markets.map((m) => [krakenPair(m).id, renderAssetPair(m)])));
    }),
    route('GET', '/0/public/Ticker', 'marketData', COUNTER_COST.public, (req) => {
      const wanted = req.params.str('pair')?.split(',');
      const markets = wanted === undefined ? spotMarkets(req) : wanted.map((w) => marketByPair(req, w) ?? reject(KRAKEN_ERRORS.invalidPair));
      // Market data shows the market as of marketDataTimeMs (a stale feed lags; fills do not).
      const asOfMs = req.ctx.marketDataTimeMs();
      return okResponse(Object.fromEntries(markets.map((m) => [krakenPair(m).id, renderTicker(m, req.ctx.engine.ticker(m.symbol, asOfMs))])));
    }),
    route('GET', '/0/public/Depth', 'marketData', COUNTER_COST.public, (req) => {
      const spec = pairParam(req);
      const raw = req.params.str('count');
      const count = raw === undefined ? 100 : /^[0-9]{1,4}$/.test(raw) ? Math.min(Math.max(Number(raw), 1), 500) : reject(`${KRAKEN_ERRORS.invalidArguments}:count`);
      return okResponse({ [krakenPair(spec).id]: renderDepth(spec, req.ctx.engine.book(spec.symbol, req.ctx.marketDataTimeMs(), count)) });
    }),
    route('POST', '/0/private/BalanceEx', 'account', COUNTER_COST.private, (req) => {
      const rows = req.ctx
        .accountView()
        .balances(req.nowMs)
        .filter((b) => d.parse(b.wallet) !== d.ZERO || d.parse(b.locked) !== d.ZERO)
        .map(renderBalanceEx);
      return okResponse(Object.fromEntries(rows));
    }),
    route('POST', '/0/private/OpenPositions', 'account', COUNTER_COST.private, (req) =>
      // Margin positions only; the venue trades spot, so there are none. Consolidated answers are a list.
      okResponse(req.params.str('consolidation') === 'market' ? [] : {}),
    ),
    route('POST', '/0/private/OpenOrders', 'account', COUNTER_COST.private, (req) => {
      const userref = userrefParam(req);
      const clOrdId = req.params.str('cl_ord_id');
      const withTrades = req.params.bool('trades');
      const open = req.ctx
        .accountView()
        .openOrders()
        .filter((o) => req.ctx.engine.market(o.symbol)?.kind === 'spot')
        .filter((o) => userref === undefined || orders.userrefs.get(o.orderId) === userref)
        .filter((o) => clOrdId === undefined || o.clientOrderId === clOrdId)
        .sort((a, b) => b.createdMs - a.createdMs || Number(b.orderId) - Number(a.orderId));
      return okResponse({ open: Object.fromEntries(open.map((o) => [txidOf('O', o.orderId), renderEngineOrder(req, orders, o, withTrades)])) });
    }),
    route('POST', '/0/private/QueryOrders', 'account', COUNTER_COST.private, (req) => {
      const txids = (req.params.str('txid') ?? '').split(',').filter((t) => t !== '');
      if (txids.length === 0) return reject(`${KRAKEN_ERRORS.invalidArguments}:txid`);
      if (txids.length > 50) return reject(`${KRAKEN_ERRORS.invalidArguments}:txid`);
      // userref is Kraken's int32 tag; ccxt's fetchOrder passes params.clientOrderId as `userref`.
      const userref = userrefParam(req);
      const clOrdId = req.params.str('cl_ord_id');
      const withTrades = req.params.bool('trades');
      const found: Array<[string, Record<string, unknown>]> = [];
      for (const txid of txids) {
        const o = findOrder(req, txid);
        if (o === undefined) continue;
        if (userref !== undefined && orders.userrefs.get(o.orderId) !== userref) continue;
        if (clOrdId !== undefined && o.clientOrderId !== clOrdId) continue;
        found.push([txid, renderEngineOrder(req, orders, o, withTrades)]);
      }
      // An id the venue does not know is left out (ccxt then raises OrderNotFound).
      return okResponse(Object.fromEntries(found));
    }),
    route('POST', '/0/private/TradesHistory', 'account', COUNTER_COST.history, (req) => {
      const startMs = secondsParam(req, 'start');
      const endMs = secondsParam(req, 'end');
      const ofsRaw = req.params.str('ofs');
      const ofs = ofsRaw === undefined ? 0 : /^[0-9]{1,9}$/.test(ofsRaw) ? Number(ofsRaw) : reject(`${KRAKEN_ERRORS.invalidArguments}:ofs`);
      const view = req.ctx.accountView();
      // Newest first; `start`/`end` are exclusive/inclusive bounds in seconds; 50 per page from `ofs`.
      const fills = spotMarkets(req)
        .flatMap((m) => view.trades(m.symbol).map((fill) => ({ fill, spec: m })))
        .filter(({ fill }) => (startMs === undefined || fill.timeMs > startMs) && (endMs === undefined || fill.timeMs <= endMs))
        .sort((a, b) => b.fill.timeMs - a.fill.timeMs || Number(b.fill.tradeId) - Number(a.fill.tradeId));
      const page = fills.slice(ofs, ofs + 50);
      const trades = Object.fromEntries(
        page.map(({ fill, spec }) => [txidOf('T', fill.tradeId), renderTrade({ fill, spec, order: view.getOrder({ symbol: spec.symbol, orderId: fill.orderId }) })]),
      );
      return okResponse({ trades, count: fills.length });
    }),
    route(
      'POST',
      '/0/private/AddOrder',
      'order',
      COUNTER_COST.trading,
      (req) => {
        const spec = pairParam(req);
        const order = parseAddOrder(req, spec, orders);
        checkDeadline(req);
        const descr = { order: orderDescription(spec, order) };
        if (req.params.bool('validate')) return okResponse({ descr });
        // A partial maintenance phase: cancels and reads pass; new orders outside the phase do not.
        // Reduce-only has no meaning on spot (nothing to reduce), so that phase refuses every new
        // order, as cancel-only does (README).
        const phase = req.ctx.tradingPhase();
        if (phase === 'cancelOnly' || phase === 'reduceOnly') return reject(KRAKEN_ERRORS.cancelOnlyMode);
        if (phase === 'postOnly' && order.timeInForce !== 'GTX') return reject(KRAKEN_ERRORS.postOnlyMode);
        const { userref, ...placement } = order;
        const result = req.ctx.engine.placeOrder(placement);
        if (!result.ok) {
          if (result.reason === 'invalidQuantity') return reject(d.parse(order.qty) < d.parse(spec.qtyMin) ? KRAKEN_ERRORS.orderMinimum : KRAKEN_ERRORS.invalidVolume);
          return reject(rejectionError(result.reason));
        }
        if (userref !== undefined) orders.userrefs.set(result.value.orderId, userref);
        return okResponse({ descr, txid: [txidOf('O', result.value.orderId)] });
      },
      1,
    ),
    route('POST', '/0/private/CancelOrder', 'order', COUNTER_COST.trading, (req) => {
      const txid = req.params.str('txid');
      const clOrdId = req.params.str('cl_ord_id');
      if (txid === undefined && clOrdId === undefined) return reject(`${KRAKEN_ERRORS.invalidArguments}:txid`);
      // `txid` is a transaction id or a userref (every open order with that tag); or `cl_ord_id`.
      const open = req.ctx.engine.openOrders().filter((o) => req.ctx.engine.market(o.symbol)?.kind === 'spot');
      let targets: Order[];
      if (clOrdId !== undefined) targets = open.filter((o) => o.clientOrderId === clOrdId);
      else if (txid !== undefined && INT32.test(txid)) targets = open.filter((o) => orders.userrefs.get(o.orderId) === Number(txid));
      else targets = open.filter((o) => txidOf('O', o.orderId) === txid);
      if (targets.length === 0) return reject(KRAKEN_ERRORS.unknownOrder);
      for (const o of targets) {
        const result = req.ctx.engine.cancelOrder({ symbol: o.symbol, orderId: o.orderId, nowMs: req.nowMs });
        if (!result.ok) return reject(KRAKEN_ERRORS.unknownOrder);
      }
      return okResponse({ count: targets.length });
    }),
  ];
  return routes.map((r) => ({ ...r, handle: guarded(r.handle) }));
}

/** Kraken's engine mode for SystemStatus: maintenance | cancel_only | post_only | online. */
export function systemStatusOf(ctx: DialectContext): 'online' | 'maintenance' | 'cancel_only' | 'post_only' {
  if (ctx.systemStatus() === 'maintenance') return 'maintenance';
  const phase = ctx.tradingPhase();
  if (phase === 'cancelOnly' || phase === 'reduceOnly') return 'cancel_only';
  if (phase === 'postOnly') return 'post_only';
  return 'online';
}

