import type { DialectContext, EndpointGroup } from '../types.ts';
import type { Fill, MarketSpec, Order, PlaceOrderRequest, TimeInForce } from '../../src/venue/types.ts';
import { BYBIT_ERRORS, bybitResponse, errorResponse, notModelled, placeRejection, type BybitError } from './errors.ts';
import * as d from './format.ts';
import { engineIdOf, uuidOf } from './ids.ts';
import { weightFor } from './limits.ts';
import {
  maxPrice,
  renderAccountInfo,
  renderApiKeyInfo,
  renderCoinInfo,
  renderExecution,
  renderLinearInstrument,
  renderOrder,
  renderOrderbook,
  renderPosition,
  renderSystemStatus,
  renderTicker,
  renderWalletBalance,
} from './render.ts';

/**
 * The route table of the Bybit v5 dialect: one entry per (method, path) on `api.<host>`, looked
 * up in a Map by the host's single MSW handler (DESIGN fact 5).
 *
 * `weight` is the cost of one request against the per-UID, per-endpoint budget of limits.ts
 * (`weightFor(10)` = 10 requests per second); 0 = no UID limit (public market data, and the
 * endpoints Bybit lists as "no limit").
 */

export interface RouteRequest {
  /** GET: the query; POST: the JSON body's fields. */
  params: Params;
  nowMs: number;
  /** The venue's own clock (skewed under clockSkew): the `time` of every answer. */
  clockMs: number;
  ctx: DialectContext;
}

/** One endpoint: how the fault layer classifies it (`describe`) and how the venue answers it. */
export interface Route {
  method: 'GET' | 'POST';
  path: string;
  group: EndpointGroup;
  signed: boolean;
  weight: number;
  orderCount: number;
  handle: (req: RouteRequest) => Response;
}

/** The route table's key: "GET /v5/market/time". */
export const routeKey = (method: string, path: string): string => `${method} ${path}`;

/** Request parameters, from a query string or a JSON body (Bybit accepts numbers and booleans in JSON). */
export class Params {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  static fromQuery(query: URLSearchParams): Params {
    return new Params(Object.fromEntries(query));
  }

  /** A parameter as text; undefined when absent or empty. */
  str(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }

  bool(name: string): boolean {
    const v = this.values[name];
    return v === true || v === 'true';
  }

  has(name: string): boolean {
    return this.str(name) !== undefined;
  }
}

/**
 * What the dialect itself remembers about a venue's orders, beyond the engine: the engine ids it
 * invented for orders sent without `orderLinkId` (Bybit shows those as ""), and post-only orders
 * that would have taken — accepted and canceled at once by Bybit, never seen by the engine.
 */
export interface DialectOrders {
  nextAutoLinkId(): string;
  isAutoLinkId(clientOrderId: string): boolean;
  canceledPostOnly: Map<string, Order>;
  nextCanceledPostOnlyId(): string;
}

/** A fresh memory for one venue (counters start at 1, so runs are deterministic). */
export function createDialectOrders(): DialectOrders {
  let autoLinkIds = 0;
  let canceledPostOnlyIds = 0;
  // ':' never passes Bybit's orderLinkId rule, so an invented id cannot collide with a client's.
  const AUTO_PREFIX = ':bybit-auto:';
  return {
    nextAutoLinkId: () => `${AUTO_PREFIX}${++autoLinkIds}`,
    isAutoLinkId: (id) => id.startsWith(AUTO_PREFIX),
    canceledPostOnly: new Map(),
    nextCanceledPostOnlyId: () => uuidOf('postOnlyCanceled', String(++canceledPostOnlyIds)),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

class RequestRejected extends Error {
  constructor(readonly error: BybitError) {
    super(error.retMsg);
  }
}

/** Throws a Bybit error out of a handler; `guarded` turns it into the response. */
const reject: (error: BybitError) => never = (error) => {
  throw new RequestRejected(error);
};

function guarded(handle: (req: RouteRequest) => Response): (req: RouteRequest) => Response {
  return (req) => {
    try {
      return handle(req);
    } catch (e) {
      if (e instanceof RequestRejected) return errorResponse(e.error, req.clockMs);
      throw e;
    }
  };
}

const ok = (req: RouteRequest, result: unknown, retMsg = 'OK'): Response => bybitResponse({ retCode: 0, retMsg, result, timeMs: req.clockMs });

const INTEGER = /^[0-9]{1,16}$/;

/** An integer parameter clamped to Bybit's documented range (Bybit answers out-of-range limits with its maximum). */
function limitParam(req: RouteRequest, fallback: number, max: number): number {
  const raw = req.params.str('limit');
  if (raw === undefined || !INTEGER.test(raw)) return fallback;
  return Math.min(Math.max(Number(raw), 1), max);
}

function integerParam(req: RouteRequest, name: string): number | undefined {
  const raw = req.params.str(name);
  if (raw === undefined) return undefined;
  return INTEGER.test(raw) ? Number(raw) : reject(BYBIT_ERRORS.invalidJsonBody);
}

/** The category every linear-only endpoint needs; the others are answered empty by the caller. */
function category(req: RouteRequest): 'linear' | 'inverse' | 'option' | 'spot' {
  const c = req.params.str('category');
  if (c === 'linear' || c === 'inverse' || c === 'option' || c === 'spot') return c;
  return reject(BYBIT_ERRORS.illegalCategory);
}

function marketById(req: RouteRequest, id: string): MarketSpec | undefined {
  return req.ctx.engine.markets.find((m) => m.id === id);
}

/** The spec of a market the engine itself reported (an unknown one is a testbed bug). */
function specOf(req: RouteRequest, symbol: string): MarketSpec {
  const spec = req.ctx.engine.market(symbol);
  if (spec === undefined) throw new Error(`venuechaos bybit dialect: the engine reported an order on unknown market ${symbol}`);
  return spec;
}

/** Markets a linear query selects: by `symbol` (error if unknown), else `baseCoin` / `settleCoin`. */
function selectMarkets(req: RouteRequest, unknownSymbol: BybitError): MarketSpec[] {
  const symbol = req.params.str('symbol');
  if (symbol !== undefined) {
    const spec = marketById(req, symbol);
    return spec === undefined ? reject(unknownSymbol) : [spec];
  }
  const baseCoin = req.params.str('baseCoin');
  const settleCoin = req.params.str('settleCoin');
  return req.ctx.engine.markets.filter((m) => (baseCoin === undefined || m.base === baseCoin) && (settleCoin === undefined || m.settle === settleCoin));
}

/**
 * One page of `items` (already in Bybit's order) after `cursor`, with Bybit's `nextPageCursor`:
 * an opaque token naming the last item of the page, "" on the last page.
 */
function page<T>(items: readonly T[], key: (item: T) => string, limit: number, cursor: string | undefined): { list: T[]; nextPageCursor: string } {
  let start = 0;
  if (cursor !== undefined) {
    let decoded = '';
    try {
      decoded = decodeURIComponent(cursor);
    } catch {
      // A cursor this venue never issued names no position in the list: an empty page.
    }
    const last = /(?:^|&)last=([^&]*)/.exec(decoded)?.[1];
    const at = last === undefined ? -1 : items.findIndex((item) => key(item) === last);
    start = at < 0 ? items.length : at + 1;
  }
  const list = items.slice(start, start + limit);
  const more = start + limit < items.length;
  const first = list[0];
  const lastItem = list.at(-1);
  const nextPageCursor = more && first !== undefined && lastItem !== undefined ? encodeURIComponent(`first=${key(first)}&last=${key(lastItem)}`) : '';
  return { list, nextPageCursor };
}

const DAY_MS = 86_400_000;
const EXECUTION_WINDOW_MS = 7 * DAY_MS;

// ---------------------------------------------------------------------------------------------
// Order placement

const ORDER_LINK_ID = /^[0-9A-Za-z_-]{1,36}$/;
const TIME_IN_FORCE: ReadonlyMap<string, TimeInForce> = new Map([
  ['GTC', 'GTC'],
  ['IOC', 'IOC'],
  ['FOK', 'FOK'],
  ['PostOnly', 'GTX'],
]);
/** Order features of /v5/order/create the engine does not model (conditional and TP/SL orders). */
const NOT_MODELLED = ['triggerPrice', 'takeProfit', 'stopLoss', 'tpslMode', 'tpLimitPrice', 'slLimitPrice', 'closeOnTrigger', 'orderFilter'] as const;

/** Parses and checks a `POST /v5/order/create` (linear) the way Bybit's gateway does, before the engine sees it. */
function parseNewOrder(req: RouteRequest, spec: MarketSpec, orders: DialectOrders): PlaceOrderRequest {
  const p = req.params;
  const side = p.str('side');
  if (side !== 'Buy' && side !== 'Sell') reject(BYBIT_ERRORS.sideInvalid);
  const orderType = p.str('orderType');
  if (orderType !== 'Market' && orderType !== 'Limit') reject(BYBIT_ERRORS.orderTypeInvalid);
  const positionIdx = p.str('positionIdx');
  if (positionIdx !== undefined && positionIdx !== '0') reject(BYBIT_ERRORS.positionIdxMismatch);
  for (const name of NOT_MODELLED) if (p.has(name) && !(name === 'closeOnTrigger' && !p.bool(name))) reject(notModelled(name));

  const qty = p.str('qty');
  if (qty === undefined || !d.DECIMAL_PARAM.test(qty)) return reject(BYBIT_ERRORS.qtyInvalid);
  const tifRaw = p.str('timeInForce');
  if (tifRaw === 'RPI') reject(BYBIT_ERRORS.rpiRestricted);
  const tif = tifRaw === undefined ? 'GTC' : TIME_IN_FORCE.get(tifRaw);
  if (tif === undefined) return reject(BYBIT_ERRORS.timeInForceInvalid);
  let price: string | undefined;
  if (orderType === 'Limit') {
    // Bybit ignores `price` on market orders.
    price = p.str('price');
    if (price === undefined || !d.DECIMAL_PARAM.test(price)) return reject(BYBIT_ERRORS.priceInvalid);
  }

  const orderLinkId = p.str('orderLinkId');
  if (orderLinkId !== undefined && !ORDER_LINK_ID.test(orderLinkId)) reject(BYBIT_ERRORS.orderLinkIdInvalid);

  return {
    symbol: spec.symbol,
    side: side === 'Buy' ? 'buy' : 'sell',
    type: orderType === 'Limit' ? 'limit' : 'market',
    qty,
    ...(price !== undefined ? { price } : {}),
    // Bybit runs market orders as IOC whatever was asked.
    timeInForce: orderType === 'Market' ? 'IOC' : tif,
    reduceOnly: p.bool('reduceOnly'),
    clientOrderId: orderLinkId ?? orders.nextAutoLinkId(),
    nowMs: req.nowMs,
  };
}

/** Which of Bybit's quantity checks an order fails (the engine only says "invalid quantity"). */
export function quantityError(qty: string, spec: MarketSpec): BybitError {
  const q = d.parse(qty);
  if (q < d.parse(spec.qtyMin)) return BYBIT_ERRORS.qtyBelowMin;
  if (q > d.parse(spec.qtyMax)) return BYBIT_ERRORS.qtyAboveMax;
  return BYBIT_ERRORS.qtyInvalid;
}

/** Which of Bybit's price checks an order fails. */
export function priceError(price: string | undefined, spec: MarketSpec): BybitError {
  if (price === undefined) return BYBIT_ERRORS.priceInvalid;
  const p = d.parse(price);
  if (p < d.parse(spec.priceTick) || p > d.parse(maxPrice(spec))) return BYBIT_ERRORS.priceOutOfRange;
  return BYBIT_ERRORS.priceInvalid;
}

/** Gateway checks the engine's MarketSpec does not carry (the price band). */
function checkPriceBand(order: PlaceOrderRequest, spec: MarketSpec): void {
  if (order.price === undefined) return;
  const p = d.tryParse(order.price);
  if (p === undefined) return reject(BYBIT_ERRORS.priceInvalid);
  if (p > d.parse(maxPrice(spec))) reject(BYBIT_ERRORS.priceOutOfRange);
}

// ---------------------------------------------------------------------------------------------
// Account reads

const orderLinkIdOf = (orders: DialectOrders, clientOrderId: string): string => (orders.isAutoLinkId(clientOrderId) ? '' : clientOrderId);

function feeOf(req: RouteRequest, order: Order): d.Fixed {
  return d.sum(req.ctx.accountView().trades(order.symbol, { orderId: order.orderId }).map((f) => f.fee));
}

function renderEngineOrder(req: RouteRequest, orders: DialectOrders, order: Order): Record<string, unknown> {
  return renderOrder({
    order,
    spec: specOf(req, order.symbol),
    orderId: uuidOf('order', order.orderId),
    orderLinkId: orderLinkIdOf(orders, order.clientOrderId),
    fee: feeOf(req, order),
  });
}

function renderCanceledPostOnly(req: RouteRequest, orders: DialectOrders, id: string, order: Order): Record<string, unknown> {
  return renderOrder({ order, spec: specOf(req, order.symbol), orderId: id, orderLinkId: orderLinkIdOf(orders, order.clientOrderId), fee: d.ZERO, rejectReason: 'EC_PostOnlyWillTakeLiquidity' });
}

/** Newest first, as /v5/order/realtime sorts. */
const byCreatedDesc = (a: { createdMs: number; orderId: string }, b: { createdMs: number; orderId: string }): number =>
  b.createdMs - a.createdMs || Number(b.orderId) - Number(a.orderId);

/**
 * GET /v5/order/realtime: `orderId` > `orderLinkId` > symbol/baseCoin/settleCoin (Bybit's
 * priority). By id the order is found whatever its status; otherwise open orders only
 * (`openOnly=0`, the default). `openOnly=1` (recent closed orders) is answered empty: the engine
 * keeps no listing of finished orders (README).
 */
function realtimeOrders(req: RouteRequest, orders: DialectOrders, markets: readonly MarketSpec[]): Array<Record<string, unknown>> {
  const view = req.ctx.accountView();
  const orderId = req.params.str('orderId');
  const orderLinkId = req.params.str('orderLinkId');
  if (orderId !== undefined) {
    const phantom = orders.canceledPostOnly.get(orderId);
    if (phantom !== undefined) return markets.some((m) => m.symbol === phantom.symbol) ? [renderCanceledPostOnly(req, orders, orderId, phantom)] : [];
    const engineId = engineIdOf('order', orderId);
    if (engineId === undefined) return [];
    for (const m of markets) {
      const order = view.getOrder({ symbol: m.symbol, orderId: engineId });
      if (order !== undefined) return [renderEngineOrder(req, orders, order)];
    }
    return [];
  }
  if (orderLinkId !== undefined) {
    const found: Array<{ createdMs: number; orderId: string; render: () => Record<string, unknown> }> = [];
    for (const m of markets) {
      const order = view.getOrder({ symbol: m.symbol, clientOrderId: orderLinkId });
      if (order !== undefined) found.push({ createdMs: order.createdMs, orderId: order.orderId, render: () => renderEngineOrder(req, orders, order) });
    }
    for (const [id, phantom] of orders.canceledPostOnly) {
      if (phantom.clientOrderId === orderLinkId && markets.some((m) => m.symbol === phantom.symbol)) {
        found.push({ createdMs: phantom.createdMs, orderId: phantom.orderId, render: () => renderCanceledPostOnly(req, orders, id, phantom) });
      }
    }
    const latest = found.sort(byCreatedDesc)[0];
    return latest === undefined ? [] : [latest.render()];
  }
  const openOnly = req.params.str('openOnly') ?? '0';
  if (openOnly !== '0') return [];
  const symbols = new Set(markets.map((m) => m.symbol));
  return view
    .openOrders()
    .filter((o) => symbols.has(o.symbol))
    .sort(byCreatedDesc)
    .map((o) => renderEngineOrder(req, orders, o));
}

interface ExecutionRow {
  fill: Fill;
  spec: MarketSpec;
  closedSize: string;
  leavesQty: string;
}

/**
 * Every fill of the account in `markets`, with what Bybit reports per execution that a fill does
 * not carry: the part that closed a position (walking the position from its start: current size
 * minus every fill) and what its order had left afterwards.
 */
function executions(req: RouteRequest, markets: readonly MarketSpec[]): ExecutionRow[] {
  const view = req.ctx.accountView();
  const positions = view.positions(req.nowMs);
  const rows: ExecutionRow[] = [];
  for (const spec of markets) {
    const fills = view.trades(spec.symbol);
    const signed = (f: Fill): d.Fixed => (f.side === 'buy' ? d.parse(f.qty) : -d.parse(f.qty));
    let position = d.parse(positions.find((p) => p.symbol === spec.symbol)?.size ?? '0') - fills.reduce<d.Fixed>((acc, f) => acc + signed(f), d.ZERO);
    const filledByOrder = new Map<string, d.Fixed>();
    for (const fill of fills) {
      const delta = signed(fill);
      const closes = position !== d.ZERO && d.sign(position) !== d.sign(delta);
      const closed = closes ? d.min(d.abs(position), d.abs(delta)) : d.ZERO;
      position += delta;
      const filled = (filledByOrder.get(fill.orderId) ?? d.ZERO) + d.parse(fill.qty);
      filledByOrder.set(fill.orderId, filled);
      const order = view.getOrder({ symbol: spec.symbol, orderId: fill.orderId });
      const leaves = order === undefined ? d.ZERO : d.max(d.parse(order.qty) - filled, d.ZERO);
      rows.push({ fill, spec, closedSize: d.format(closed), leavesQty: d.format(leaves) });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The table

const w = weightFor;
const FIXED_CREATED_MS = 1735689600000; // 2025-01-01: when the venue's API key and account were set up.

/** A stable user id per venue (Bybit UIDs are 8-9 digit integers). */
function userIdOf(hostname: string): number {
  let h = 0;
  for (const ch of hostname) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 90_000_000;
  return 100_000_000 + h;
}

/** Builds the route table for one venue. `orders` is the dialect's memory of its venue's orders. */
export function buildRoutes(orders: DialectOrders): Route[] {
  const routes: Route[] = [
    {
      method: 'GET', path: '/v5/market/time', group: 'status', signed: false, weight: 0, orderCount: 0,
      handle: (req) => ok(req, { timeSecond: String(Math.floor(req.clockMs / 1000)), timeNano: `${req.clockMs}000000` }),
    },
    {
      method: 'GET', path: '/v5/system/status', group: 'status', signed: false, weight: 0, orderCount: 0,
      handle: (req) => {
        const id = req.params.str('id');
        const state = req.params.str('state');
        const list = req.ctx
          .announcedMaintenance()
          .map(renderSystemStatus)
          .filter((e) => (id === undefined || e['id'] === id) && (state === undefined || e['state'] === state));
        return ok(req, { list }, '');
      },
    },
    {
      method: 'GET', path: '/v5/market/instruments-info', group: 'reference', signed: false, weight: 0, orderCount: 0,
      handle: (req) => {
        const c = category(req);
        if (c === 'spot') return ok(req, { category: c, list: [] });
        if (c !== 'linear') return ok(req, { category: c, list: [], nextPageCursor: '' });
        const status = req.params.str('status') ?? 'Trading';
        const symbol = req.params.str('symbol');
        const baseCoin = req.params.str('baseCoin');
        const listed = req.ctx.engine.markets.filter(
          (m) => status === 'Trading' && (symbol === undefined || m.id === symbol) && (baseCoin === undefined || m.base === baseCoin),
        );
        const { list, nextPageCursor } = page(listed, (m) => m.id, limitParam(req, 500, 1000), req.params.str('cursor'));
        return ok(req, { category: c, list: list.map(renderLinearInstrument), nextPageCursor });
      },
    },
    {
      method: 'GET', path: '/v5/market/tickers', group: 'marketData', signed: false, weight: 0, orderCount: 0,
      handle: (req) => {
        const c = category(req);
        const symbol = req.params.str('symbol');
        if (c !== 'linear') return symbol !== undefined ? reject(BYBIT_ERRORS.notSupportedSymbols) : ok(req, { category: c, list: [] });
        const markets = selectMarkets(req, BYBIT_ERRORS.notSupportedSymbols);
        // Market data shows the market as of marketDataTimeMs (a stale feed lags; fills do not).
        const asOfMs = req.ctx.marketDataTimeMs();
        return ok(req, { category: c, list: markets.map((m) => renderTicker(m, req.ctx.engine.ticker(m.symbol, asOfMs))) });
      },
    },
    {
      method: 'GET', path: '/v5/market/orderbook', group: 'marketData', signed: false, weight: 0, orderCount: 0,
      handle: (req) => {
        const c = category(req);
        const symbol = req.params.str('symbol');
        if (symbol === undefined) return reject(BYBIT_ERRORS.symbolInvalid);
        const spec = c === 'linear' ? marketById(req, symbol) : undefined;
        if (spec === undefined) return reject(BYBIT_ERRORS.notSupportedSymbols);
        const asOfMs = req.ctx.marketDataTimeMs();
        return ok(req, renderOrderbook(spec, req.ctx.engine.book(spec.symbol, asOfMs, limitParam(req, 25, 500))));
      },
    },
    {
      method: 'GET', path: '/v5/asset/coin/query-info', group: 'reference', signed: true, weight: w(5), orderCount: 0,
      handle: (req) => {
        const coins = new Set<string>();
        for (const m of req.ctx.engine.markets) for (const a of [m.base, m.quote, m.settle]) coins.add(a);
        for (const b of req.ctx.engine.balances(req.nowMs)) coins.add(b.asset);
        const only = req.params.str('coin');
        const rows = [...coins].sort().filter((c) => only === undefined || c === only).map(renderCoinInfo);
        return ok(req, { rows }, 'success');
      },
    },
    {
      method: 'GET', path: '/v5/user/query-api', group: 'reference', signed: true, weight: w(10), orderCount: 0,
      handle: (req) => ok(req, renderApiKeyInfo({ apiKey: req.ctx.credentials.apiKey, userId: userIdOf(req.ctx.hostname), createdMs: FIXED_CREATED_MS }), ''),
    },
    {
      method: 'GET', path: '/v5/account/info', group: 'reference', signed: true, weight: 0, orderCount: 0,
      handle: (req) => ok(req, renderAccountInfo(FIXED_CREATED_MS)),
    },
    {
      method: 'GET', path: '/v5/account/wallet-balance', group: 'account', signed: true, weight: w(50), orderCount: 0,
      handle: (req) => {
        if (req.params.str('accountType') !== 'UNIFIED') return reject(BYBIT_ERRORS.accountTypeOnlyUnified);
        const e = req.ctx.engine;
        const view = req.ctx.accountView();
        const coinFilter = req.params.str('coin')?.split(',');
        let balances = view.balances(req.nowMs);
        if (coinFilter !== undefined) {
          // Asked-for coins are listed even when empty.
          balances = coinFilter.map(
            (c) => balances.find((b) => b.asset === c) ?? { asset: c, wallet: '0', unrealizedPnl: '0', marginBalance: '0', initialMargin: '0', maintenanceMargin: '0', available: '0', locked: '0', updatedMs: 0 },
          );
        }
        const fills = e.markets.flatMap((m) => view.trades(m.symbol));
        const usdPrice = (coin: string): string | undefined => {
          const m = e.markets.find((x) => x.base === coin && (x.quote === 'USDT' || x.quote === 'USDC'));
          return m === undefined ? undefined : e.ticker(m.symbol, req.nowMs).last;
        };
        const wallet = renderWalletBalance({ balances, positions: view.positions(req.nowMs), fills, markets: e.markets, usdPrice, listEmpty: coinFilter !== undefined });
        return ok(req, { list: [wallet] });
      },
    },
    {
      // ccxt's fetchBalance({ type: 'funding' }). The venue's funds all sit in the unified trading
      // account, so the funding wallet is empty (coins asked for by name are listed at zero).
      method: 'GET', path: '/v5/asset/transfer/query-account-coins-balance', group: 'account', signed: true, weight: w(5), orderCount: 0,
      handle: (req) => {
        if (req.params.str('accountType') !== 'FUND') return reject(BYBIT_ERRORS.accountTypeNotSupported);
        const coins = (req.params.str('coin') ?? '').split(',').filter((c) => c !== '');
        const balance = coins.map((coin) => ({ coin, walletBalance: '0', transferBalance: '0', bonus: '0' }));
        return ok(req, { memberId: String(userIdOf(req.ctx.hostname)), accountType: 'FUND', balance }, 'success');
      },
    },
    {
      method: 'GET', path: '/v5/position/list', group: 'account', signed: true, weight: w(50), orderCount: 0,
      handle: (req) => {
        const c = category(req);
        if (c === 'spot') return reject(BYBIT_ERRORS.illegalCategory);
        if (c !== 'linear') return ok(req, { list: [], nextPageCursor: '', category: c });
        const bySymbol = req.params.has('symbol');
        if (!bySymbol && !req.params.has('settleCoin') && !req.params.has('baseCoin')) return reject(BYBIT_ERRORS.linearFilterRequired);
        const markets = selectMarkets(req, BYBIT_ERRORS.symbolInvalid);
        const view = req.ctx.accountView();
        const positions = view
          .positions(req.nowMs)
          .filter((p) => markets.some((m) => m.symbol === p.symbol))
          // With `symbol` Bybit answers whether or not there is a position; otherwise non-flat ones only.
          .filter((p) => bySymbol || d.parse(p.size) !== d.ZERO);
        const { list, nextPageCursor } = page(positions, (p) => specOf(req, p.symbol).id, limitParam(req, 20, 200), req.params.str('cursor'));
        const rendered = list.map((p) => {
          const fills = view.trades(p.symbol);
          return renderPosition({ position: p, spec: specOf(req, p.symbol), fills, seq: fills.length === 0 ? -1 : Number(fills.at(-1)?.tradeId ?? -1) });
        });
        return ok(req, { list: rendered, nextPageCursor, category: c });
      },
    },
    {
      method: 'GET', path: '/v5/order/realtime', group: 'account', signed: true, weight: w(50), orderCount: 0,
      handle: (req) => {
        const c = category(req);
        if (c !== 'linear') return ok(req, { list: [], nextPageCursor: '', category: c });
        const p = req.params;
        if (!['symbol', 'baseCoin', 'settleCoin', 'orderId', 'orderLinkId'].some((k) => p.has(k))) return reject(BYBIT_ERRORS.linearFilterRequired);
        const markets = p.has('orderId') || p.has('orderLinkId') ? (p.has('symbol') ? selectMarkets(req, BYBIT_ERRORS.symbolInvalid) : req.ctx.engine.markets) : selectMarkets(req, BYBIT_ERRORS.symbolInvalid);
        const all = realtimeOrders(req, orders, markets);
        const { list, nextPageCursor } = page(all, (o) => String(o['orderId']), limitParam(req, 20, 50), p.str('cursor'));
        return ok(req, { list, nextPageCursor, category: c });
      },
    },
    {
      method: 'GET', path: '/v5/execution/list', group: 'account', signed: true, weight: w(50), orderCount: 0,
      handle: (req) => {
        const c = category(req);
        if (c !== 'linear') return ok(req, { nextPageCursor: '', category: c, list: [] });
        const p = req.params;
        const orderId = p.str('orderId');
        const orderLinkId = p.str('orderLinkId');
        // orderId and orderLinkId outrank every other filter (Bybit's rule).
        const markets = orderId !== undefined || orderLinkId !== undefined ? req.ctx.engine.markets : selectMarkets(req, BYBIT_ERRORS.symbolInvalid);
        const startTime = integerParam(req, 'startTime');
        const endTime = integerParam(req, 'endTime');
        // No times: the last 7 days; one time: 7 days from/to it (Bybit's rule).
        const toMs = endTime ?? (startTime !== undefined ? startTime + EXECUTION_WINDOW_MS : req.clockMs);
        const fromMs = startTime ?? toMs - EXECUTION_WINDOW_MS;
        const execType = p.str('execType');
        const engineOrderId = orderId === undefined ? undefined : (engineIdOf('order', orderId) ?? '');
        const rows = (execType === undefined || execType === 'Trade' ? executions(req, markets) : [])
          .filter((r) => engineOrderId === undefined || r.fill.orderId === engineOrderId)
          .filter((r) => orderLinkId === undefined || r.fill.clientOrderId === orderLinkId)
          .filter((r) => r.fill.timeMs >= fromMs && r.fill.timeMs <= toMs)
          .sort((a, b) => b.fill.timeMs - a.fill.timeMs || Number(b.fill.tradeId) - Number(a.fill.tradeId));
        const { list, nextPageCursor } = page(rows, (r) => uuidOf('execution', r.fill.tradeId), limitParam(req, 50, 100), p.str('cursor'));
        const view = req.ctx.accountView();
        return ok(req, {
          nextPageCursor,
          category: c,
          list: list.map((r) =>
            renderExecution({
              fill: r.fill,
              spec: r.spec,
              order: view.getOrder({ symbol: r.spec.symbol, orderId: r.fill.orderId }),
              orderLinkId: orderLinkIdOf(orders, r.fill.clientOrderId),
              closedSize: r.closedSize,
              leavesQty: r.leavesQty,
            }),
          ),
        });
      },
    },
    {
      method: 'POST', path: '/v5/order/create', group: 'order', signed: true, weight: w(10), orderCount: 1,
      handle: (req) => {
        if (category(req) !== 'linear') return reject(BYBIT_ERRORS.symbolInvalid);
        const symbol = req.params.str('symbol');
        const spec = symbol === undefined ? undefined : marketById(req, symbol);
        if (spec === undefined) return reject(BYBIT_ERRORS.symbolInvalid);
        const order = parseNewOrder(req, spec, orders);
        checkPriceBand(order, spec);
        // A partial maintenance phase: cancels and reads pass; new orders outside the phase do not.
        const phase = req.ctx.tradingPhase();
        if (phase === 'cancelOnly') return reject(BYBIT_ERRORS.tradingNotAllowed);
        if (phase === 'postOnly' && order.timeInForce !== 'GTX') return reject(BYBIT_ERRORS.postOnlyStage);
        if (phase === 'reduceOnly' && order.reduceOnly !== true) return reject(BYBIT_ERRORS.reduceOnlyContract);
        const result = req.ctx.engine.placeOrder(order);
        if (!result.ok) {
          if (result.reason === 'postOnlyWouldTake') {
            // Bybit accepts the order and cancels it at once (rejectReason EC_PostOnlyWillTakeLiquidity).
            const id = orders.nextCanceledPostOnlyId();
            orders.canceledPostOnly.set(id, {
              orderId: String(-orders.canceledPostOnly.size - 1),
              clientOrderId: order.clientOrderId,
              symbol: spec.symbol,
              side: order.side,
              type: 'limit',
              timeInForce: 'GTX',
              reduceOnly: order.reduceOnly ?? false,
              ...(order.price !== undefined ? { price: order.price } : {}),
              qty: order.qty,
              filledQty: '0',
              avgPrice: '0',
              cumQuote: '0',
              status: 'canceled',
              createdMs: req.nowMs,
              updatedMs: req.nowMs,
            });
            return ok(req, { orderId: id, orderLinkId: orderLinkIdOf(orders, order.clientOrderId) });
          }
          if (result.reason === 'invalidQuantity') return reject(quantityError(order.qty, spec));
          if (result.reason === 'invalidPrice') return reject(priceError(order.price, spec));
          return reject(placeRejection(result.reason));
        }
        return ok(req, { orderId: uuidOf('order', result.value.orderId), orderLinkId: orderLinkIdOf(orders, result.value.clientOrderId) });
      },
    },
    {
      method: 'POST', path: '/v5/order/cancel', group: 'order', signed: true, weight: w(10), orderCount: 0,
      handle: (req) => {
        if (category(req) !== 'linear') return reject(BYBIT_ERRORS.symbolInvalid);
        const symbol = req.params.str('symbol');
        const spec = symbol === undefined ? undefined : marketById(req, symbol);
        if (spec === undefined) return reject(BYBIT_ERRORS.symbolInvalid);
        const orderId = req.params.str('orderId');
        const orderLinkId = req.params.str('orderLinkId');
        if (orderId === undefined && orderLinkId === undefined) return reject(BYBIT_ERRORS.orderIdOrLinkIdRequired);
        // orderId wins when both are sent; an id Bybit never issued names no order.
        const engineId = orderId === undefined ? undefined : engineIdOf('order', orderId);
        if (orderId !== undefined && engineId === undefined) return reject(BYBIT_ERRORS.orderNotExists);
        const ref = engineId !== undefined ? { symbol: spec.symbol, orderId: engineId } : { symbol: spec.symbol, clientOrderId: orderLinkId ?? '' };
        const result = req.ctx.engine.cancelOrder({ ...ref, nowMs: req.nowMs });
        if (!result.ok) return reject(placeRejection(result.reason === 'unknownSymbol' ? 'unknownSymbol' : 'orderNotFound'));
        return ok(req, { orderId: uuidOf('order', result.value.orderId), orderLinkId: orderLinkIdOf(orders, result.value.clientOrderId) });
      },
    },
  ];
  return routes.map((r) => ({ ...r, handle: guarded(r.handle) }));
}
