import type { EndpointGroup } from '../types.ts';
import type { MarketSpec, PlaceOrderRequest, TimeInForce, VenueRejection } from '../../src/venue/types.ts';
import { errorResponse, mandatoryParamMissing, paramNotRequired, type BinanceError } from '../binance/errors.ts';
import * as d from '../binance/decimal.ts';
import { renderCapitalConfig, renderMarginAllPairs } from '../binance/render.ts';
import { SPOT_ERRORS, cancelRejection, notAllParamsRead, placeRejection } from './errors.ts';
import {
  PRICE_MAX,
  renderAccount,
  renderCanceledOrder,
  renderDepth,
  renderExchangeInfo,
  renderIsolatedMarginPairs,
  renderMyTrade,
  renderNewOrder,
  renderQueriedOrder,
  renderTicker24hr,
} from './render.ts';
import { decimalParam, guarded, integerParam, json, orderRef, reject, specOf, type RouteRequest } from '../binance/request.ts';

/**
 * The route table of the Binance spot dialect: one entry per (method, path) on `api.<host>`,
 * looked up in a Map by the host's single MSW handler (DESIGN fact 5).
 *
 * Weights are Binance spot's request weights (reference §2.1 "Spot weights used by ccxt's unified
 * calls"; https://developers.binance.com/docs/binance-spot-api-docs/rest-api); `/sapi` weights are
 * the documented IP weights. `POST /api/v3/order` weighs 1 and counts one order.
 */


export type { RouteRequest };

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  group: EndpointGroup;
  signed: boolean;
  /** Request weight; may depend on the query (depth `limit`, a missing `symbol`, `orderId`). */
  weight: (query: URLSearchParams) => number;
  orderCount: number;
  handle: (req: RouteRequest) => Response;
}

export const routeKey = (method: string, path: string): string => `${method} ${path}`;

// ---------------------------------------------------------------------------------------------
// Small helpers





/** Binance spot's rule for client order ids. */
const CLIENT_ORDER_ID = /^[a-zA-Z0-9-_]{1,36}$/;

/** The venue's spot markets (an engine may also list perps; this dialect never shows them). */
const spotMarkets = (req: RouteRequest): MarketSpec[] => req.ctx.engine.markets.filter((m) => m.kind === 'spot');

function requiredSymbol(req: RouteRequest): MarketSpec {
  const id = req.params.get('symbol');
  if (id === null || id === '') return reject(mandatoryParamMissing('symbol'));
  return optionalSymbol(req) ?? reject(SPOT_ERRORS.invalidSymbol);
}

/** The spot market named by `symbol`; the engine is then addressed by its unified symbol (the id may also name a perp). */
function optionalSymbol(req: RouteRequest): MarketSpec | undefined {
  const id = req.params.get('symbol');
  if (id === null || id === '') return undefined;
  return spotMarkets(req).find((m) => m.id === id) ?? reject(SPOT_ERRORS.invalidSymbol);
}





/** `qty` rounded down to the market's step (what a quoteOrderQty buys). */
function floorToStep(qty: d.Dec, step: string): string {
  const s = d.dec(step);
  const scale = Math.max(qty.scale, s.scale);
  const units = qty.units * 10n ** BigInt(scale - qty.scale);
  const stepUnits = s.units * 10n ** BigInt(scale - s.scale);
  return d.toFixed({ units: (units / stepUnits) * stepUnits, scale }, d.places(step));
}

// ---------------------------------------------------------------------------------------------
// Order placement

const UNSUPPORTED_TYPES: Record<string, string> = {
  STOP_LOSS: 'Stop loss orders are not supported for this symbol.',
  STOP_LOSS_LIMIT: 'Stop loss orders are not supported for this symbol.',
  TAKE_PROFIT: 'Take profit orders are not supported for this symbol.',
  TAKE_PROFIT_LIMIT: 'Take profit orders are not supported for this symbol.',
};
const LIMIT_TIME_IN_FORCE = new Set<TimeInForce>(['GTC', 'IOC', 'FOK']);
/** Parameters `POST /api/v3/order` reads; anything else (futures' `reduceOnly`, `positionSide`) → -1104. */
const NEW_ORDER_PARAMS = new Set([
  'symbol', 'side', 'type', 'timeInForce', 'quantity', 'quoteOrderQty', 'price', 'newClientOrderId', 'strategyId', 'strategyType',
  'stopPrice', 'trailingDelta', 'icebergQty', 'newOrderRespType', 'selfTradePreventionMode', 'recvWindow', 'timestamp', 'signature',
]);

type SpotOrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';

interface ParsedOrder {
  order: PlaceOrderRequest;
  spotType: SpotOrderType;
}

/** Parses and checks a `POST /api/v3/order` the way Binance spot's gateway does, before the engine sees it. */
function parseNewOrder(req: RouteRequest, spec: MarketSpec, clientOrderIdFallback: () => string): ParsedOrder {
  const p = req.params;
  const unread = [...p.keys()].filter((k) => !NEW_ORDER_PARAMS.has(k));
  if (unread.length > 0) reject(notAllParamsRead([...p.keys()].length - unread.length, [...p.keys()].length));
  const sideRaw = p.get('side');
  if (sideRaw === null || sideRaw === '') reject(mandatoryParamMissing('side'));
  if (sideRaw !== 'BUY' && sideRaw !== 'SELL') return reject(SPOT_ERRORS.invalidSide);
  const typeRaw = p.get('type');
  if (typeRaw === null || typeRaw === '') reject(mandatoryParamMissing('type'));
  const unsupported = UNSUPPORTED_TYPES[typeRaw ?? ''];
  if (unsupported !== undefined) reject({ status: 400, code: -2010, msg: unsupported });
  if (typeRaw !== 'LIMIT' && typeRaw !== 'LIMIT_MAKER' && typeRaw !== 'MARKET') return reject(SPOT_ERRORS.invalidOrderType);

  const price = decimalParam(req, 'price');
  const quantity = decimalParam(req, 'quantity');
  const quoteOrderQty = decimalParam(req, 'quoteOrderQty');
  const tifRaw = p.get('timeInForce');
  let timeInForce: TimeInForce | undefined;
  let qty: string;
  if (typeRaw === 'MARKET') {
    if (price !== undefined) reject(paramNotRequired('price'));
    if (tifRaw !== null && tifRaw !== '') reject(paramNotRequired('timeInForce'));
    if (quantity !== undefined && quoteOrderQty !== undefined) reject(paramNotRequired('quoteOrderQty'));
    if (quantity !== undefined) qty = quantity;
    else if (quoteOrderQty !== undefined) {
      // Spend (buy) or receive (sell) this much quote: the quantity at the touch, rounded down to the step.
      const t = req.ctx.engine.ticker(spec.symbol, req.nowMs);
      qty = floorToStep(d.div(quoteOrderQty, sideRaw === 'BUY' ? t.ask : t.bid, 20), spec.qtyStep);
      if (d.isZero(qty)) reject(SPOT_ERRORS.notional);
    } else return reject(SPOT_ERRORS.quantityOrQuoteMissing);
  } else {
    if (quoteOrderQty !== undefined) reject(paramNotRequired('quoteOrderQty'));
    qty = quantity ?? reject(mandatoryParamMissing('quantity'));
    if (price === undefined) reject(mandatoryParamMissing('price'));
    if (typeRaw === 'LIMIT') {
      if (tifRaw === null || tifRaw === '') reject(mandatoryParamMissing('timeInForce'));
      if (!LIMIT_TIME_IN_FORCE.has(tifRaw as TimeInForce)) reject(SPOT_ERRORS.invalidTimeInForce);
      timeInForce = tifRaw as TimeInForce;
    } else {
      if (tifRaw !== null && tifRaw !== '') reject(paramNotRequired('timeInForce'));
      timeInForce = 'GTX';
    }
  }
  // PRICE_FILTER maxPrice is the gateway's to enforce (the engine's MarketSpec has no band).
  if (price !== undefined && d.cmp(price, PRICE_MAX) > 0) reject(SPOT_ERRORS.priceFilter);

  const clientOrderIdRaw = p.get('newClientOrderId');
  let clientOrderId: string;
  if (clientOrderIdRaw === null || clientOrderIdRaw === '') clientOrderId = clientOrderIdFallback();
  else if (!CLIENT_ORDER_ID.test(clientOrderIdRaw)) return reject({ status: 400, code: -1100, msg: "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'." });
  else clientOrderId = clientOrderIdRaw;

  return {
    spotType: typeRaw,
    order: {
      symbol: spec.symbol,
      side: sideRaw === 'BUY' ? 'buy' : 'sell',
      type: typeRaw === 'MARKET' ? 'market' : 'limit',
      qty,
      ...(price !== undefined ? { price } : {}),
      ...(timeInForce !== undefined ? { timeInForce } : {}),
      clientOrderId,
      nowMs: req.nowMs,
    },
  };
}

/** Which spot filter an order breaks (the engine only says "invalid quantity/price"). */
export function filterError(reason: VenueRejection, order: PlaceOrderRequest): BinanceError {
  if (reason === 'invalidQuantity') {
    if (d.cmp(order.qty, '0') <= 0) return SPOT_ERRORS.quantityInvalid;
    return order.type === 'market' ? SPOT_ERRORS.marketLotSize : SPOT_ERRORS.lotSize;
  }
  if (reason === 'invalidPrice') return order.price === undefined || d.cmp(order.price, '0') <= 0 ? SPOT_ERRORS.priceInvalid : SPOT_ERRORS.priceFilter;
  return placeRejection(reason);
}

// ---------------------------------------------------------------------------------------------
// The table

const DEPTH_LIMIT_DEFAULT = 100;
const DEPTH_LIMIT_MAX = 5000;

/** Spot takes any limit 1..5000 (default 100); larger ones are capped at 5000. */
function depthLimit(query: URLSearchParams): number {
  const raw = Number(query.get('limit') ?? DEPTH_LIMIT_DEFAULT);
  if (!Number.isFinite(raw) || raw <= 0) return DEPTH_LIMIT_DEFAULT;
  return Math.min(Math.floor(raw), DEPTH_LIMIT_MAX);
}

function depthWeight(query: URLSearchParams): number {
  const limit = depthLimit(query);
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

const MY_TRADES_LIMIT_DEFAULT = 500;
const MY_TRADES_LIMIT_MAX = 1000;

const w = (n: number) => (): number => n;
const perSymbol = (withSymbol: number, without: number) => (q: URLSearchParams): number => (q.get('symbol') ? withSymbol : without);

/**
 * Builds the route table for one venue. `nextClientOrderId` names orders sent without one;
 * `nextCancelId` names cancel requests sent without `newClientOrderId`.
 */
export function buildRoutes(ids: { nextClientOrderId: () => string; nextCancelId: () => string }): Route[] {
  const routes: Route[] = [
    { method: 'GET', path: '/api/v3/ping', group: 'status', signed: false, weight: w(1), orderCount: 0, handle: () => json({}) },
    {
      method: 'GET', path: '/api/v3/time', group: 'status', signed: false, weight: w(1), orderCount: 0,
      handle: (req) => json({ serverTime: req.clockMs }),
    },
    {
      method: 'GET', path: '/sapi/v1/system/status', group: 'status', signed: false, weight: w(1), orderCount: 0,
      handle: (req) => json(req.ctx.systemStatus() === 'normal' ? { status: 0, msg: 'normal' } : { status: 1, msg: 'system_maintenance' }),
    },
    {
      method: 'GET', path: '/api/v3/exchangeInfo', group: 'reference', signed: false, weight: w(20), orderCount: 0,
      handle: (req) => json(renderExchangeInfo(spotMarkets(req), req.nowMs)),
    },
    {
      method: 'GET', path: '/sapi/v1/capital/config/getall', group: 'reference', signed: true, weight: w(10), orderCount: 0,
      handle: (req) => {
        const assets = new Set<string>();
        for (const m of spotMarkets(req)) for (const a of [m.base, m.quote]) assets.add(a);
        for (const b of req.ctx.engine.balances(req.nowMs)) assets.add(b.asset);
        return json(renderCapitalConfig([...assets].sort()));
      },
    },
    {
      method: 'GET', path: '/sapi/v1/margin/allPairs', group: 'reference', signed: true, weight: w(1), orderCount: 0,
      handle: (req) => json(renderMarginAllPairs(spotMarkets(req))),
    },
    {
      method: 'GET', path: '/sapi/v1/margin/isolated/allPairs', group: 'reference', signed: true, weight: w(10), orderCount: 0,
      handle: () => json(renderIsolatedMarginPairs()),
    },
    {
      method: 'GET', path: '/api/v3/ticker/24hr', group: 'marketData', signed: false, weight: perSymbol(2, 80), orderCount: 0,
      handle: (req) => {
        const one = optionalSymbol(req);
        // Market data shows the market as of marketDataTimeMs (a stale feed lags; fills do not).
        const render = (m: MarketSpec): unknown => renderTicker24hr(m, req.ctx.engine.ticker(m.symbol, req.ctx.marketDataTimeMs()));
        return json(one !== undefined ? render(one) : spotMarkets(req).map(render));
      },
    },
    {
      method: 'GET', path: '/api/v3/depth', group: 'marketData', signed: false, weight: depthWeight, orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        return json(renderDepth(req.ctx.engine.book(spec.symbol, req.ctx.marketDataTimeMs(), depthLimit(req.params))));
      },
    },
    {
      method: 'GET', path: '/api/v3/account', group: 'account', signed: true, weight: w(20), orderCount: 0,
      handle: (req) => {
        const all = req.ctx.accountView().balances(req.nowMs);
        // omitZeroBalances=true leaves out assets with nothing free and nothing locked.
        const rows = req.params.get('omitZeroBalances') === 'true' ? all.filter((b) => !d.isZero(b.available) || !d.isZero(b.locked)) : all;
        return json(renderAccount(rows, req.nowMs));
      },
    },
    {
      method: 'GET', path: '/api/v3/myTrades', group: 'account', signed: true, weight: (q) => (q.get('orderId') ? 5 : 20), orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const orderId = integerParam(req, 'orderId');
        const startTime = integerParam(req, 'startTime');
        const endTime = integerParam(req, 'endTime');
        const fromId = integerParam(req, 'fromId');
        const limit = integerParam(req, 'limit') ?? MY_TRADES_LIMIT_DEFAULT;
        if (limit > MY_TRADES_LIMIT_MAX || limit <= 0) reject({ status: 400, code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
        let fills = req.ctx.accountView().trades(spec.symbol, orderId !== undefined ? { orderId: String(orderId) } : {});
        fills = fills.filter(
          (f) =>
            (startTime === undefined || f.timeMs >= startTime) &&
            (endTime === undefined || f.timeMs <= endTime) &&
            (fromId === undefined || Number(f.tradeId) >= fromId),
        );
        // From a start point Binance returns the oldest `limit` trades, otherwise the newest.
        fills = startTime !== undefined || fromId !== undefined ? fills.slice(0, limit) : fills.slice(-limit);
        return json(fills.map((f) => renderMyTrade(f, spec)));
      },
    },
    {
      method: 'GET', path: '/api/v3/order', group: 'account', signed: true, weight: w(4), orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const order = req.ctx.accountView().getOrder(orderRef(req, spec));
        return order === undefined ? errorResponse(SPOT_ERRORS.orderDoesNotExist) : json(renderQueriedOrder(order, spec));
      },
    },
    {
      method: 'GET', path: '/api/v3/openOrders', group: 'account', signed: true, weight: perSymbol(6, 80), orderCount: 0,
      handle: (req) => {
        const spec = optionalSymbol(req);
        const spotSymbols = new Set(spotMarkets(req).map((m) => m.symbol));
        const orders = req.ctx.accountView().openOrders(spec?.symbol).filter((o) => spotSymbols.has(o.symbol));
        return json(orders.map((o) => renderQueriedOrder(o, specOf(req, o.symbol))));
      },
    },
    {
      method: 'POST', path: '/api/v3/order', group: 'order', signed: true, weight: w(1), orderCount: 1,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const { order, spotType } = parseNewOrder(req, spec, ids.nextClientOrderId);
        // A partial maintenance phase: cancels and reads pass; new orders outside the phase do not.
        const phase = req.ctx.tradingPhase();
        if (phase === 'cancelOnly') return errorResponse(SPOT_ERRORS.marketClosed);
        if (phase === 'postOnly' && spotType !== 'LIMIT_MAKER') return errorResponse(SPOT_ERRORS.notInThisPhase);
        if (phase === 'reduceOnly') return errorResponse(SPOT_ERRORS.symbolRestricted);
        const result = req.ctx.engine.placeOrder(order);
        if (!result.ok) return errorResponse(filterError(result.reason, order));
        const raw = req.params.get('newOrderRespType');
        // MARKET and LIMIT default to FULL, other types to ACK (spot docs).
        const shape = raw === 'ACK' ? 'ack' : raw === 'RESULT' ? 'result' : raw === 'FULL' || spotType !== 'LIMIT_MAKER' ? 'full' : 'ack';
        const fills = shape === 'full' ? req.ctx.engine.trades(spec.symbol, { orderId: result.value.orderId }) : [];
        return json(renderNewOrder(result.value, spec, shape, fills));
      },
    },
    {
      method: 'DELETE', path: '/api/v3/order', group: 'order', signed: true, weight: w(1), orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const result = req.ctx.engine.cancelOrder({ ...orderRef(req, spec), nowMs: req.nowMs });
        if (!result.ok) return errorResponse(cancelRejection(result.reason));
        const cancelId = req.params.get('newClientOrderId') || ids.nextCancelId();
        return json(renderCanceledOrder(result.value, spec, cancelId, req.nowMs));
      },
    },
  ];
  return routes.map((r) => ({ ...r, handle: guarded(r.handle) }));
}
