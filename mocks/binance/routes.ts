import type { EndpointGroup } from '../types.ts';
import type { MarketSpec, PlaceOrderRequest, TimeInForce, VenueRejection } from '../../src/venue/types.ts';
import {
  BINANCE_ERRORS,
  cancelRejection,
  errorResponse,
  mandatoryParamMissing,
  paramNotRequired,
  placeRejection,
  type BinanceError,
} from './errors.ts';
import * as d from './decimal.ts';
import {
  PRICE_MAX,
  decimalsOf,
  renderAccountV3,
  renderCapitalConfig,
  renderDepth,
  renderExchangeInfo,
  renderLeverageBrackets,
  renderMarginAllPairs,
  renderOrder,
  renderPositionRiskV3,
  renderTicker24hr,
  renderUserTrade,
} from './render.ts';
import { decimalParam, guarded, integerParam, json, orderRef, reject, specOf, type RouteRequest } from './request.ts';

/**
 * The route table of the Binance USDⓈ-M dialect: one entry per (host, method, path), looked up
 * in a Map by the single MSW handler of each host (DESIGN fact 5).
 *
 * Weights are Binance's USDⓈ-M request weights
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info#limits and
 * each endpoint's page); `POST /fapi/v1/order` costs 0 weight and 1 on each order counter.
 */

export type HostKind = 'fapi' | 'api';


export type { RouteRequest };

export interface Route {
  host: HostKind;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  group: EndpointGroup;
  signed: boolean;
  /** Request weight; may depend on the query (e.g. depth `limit`, a missing `symbol`). */
  weight: (query: URLSearchParams) => number;
  orderCount: number;
  handle: (req: RouteRequest) => Response;
}

export const routeKey = (host: HostKind, method: string, path: string): string => `${host} ${method} ${path}`;

// ---------------------------------------------------------------------------------------------
// Small helpers





const { places, cmp } = d;
const onStep = d.isMultipleOf;

/** Binance's rule for client order ids. */
const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

function requiredSymbol(req: RouteRequest): MarketSpec {
  const id = req.params.get('symbol');
  if (id === null || id === '') return reject(mandatoryParamMissing('symbol'));
  return optionalSymbol(req) ?? reject(BINANCE_ERRORS.invalidSymbol);
}

function optionalSymbol(req: RouteRequest): MarketSpec | undefined {
  const id = req.params.get('symbol');
  if (id === null || id === '') return undefined;
  const spec = req.ctx.engine.markets.find((m) => m.id === id);
  return spec ?? reject(BINANCE_ERRORS.invalidSymbol);
}





const bool = (v: string | null): boolean => v !== null && v.toLowerCase() === 'true';

// ---------------------------------------------------------------------------------------------
// Order placement

const ALGO_ORDER_TYPES = new Set(['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET']);
const TIME_IN_FORCE = new Set<TimeInForce>(['GTC', 'IOC', 'FOK', 'GTX']);

/** Parses and checks a `POST /fapi/v1/order` the way Binance's gateway does, before the engine sees it. */
function parseNewOrder(req: RouteRequest, spec: MarketSpec, clientOrderIdFallback: () => string): PlaceOrderRequest {
  const p = req.params;
  const sideRaw = p.get('side');
  if (sideRaw === null || sideRaw === '') reject(mandatoryParamMissing('side'));
  if (sideRaw !== 'BUY' && sideRaw !== 'SELL') reject(BINANCE_ERRORS.invalidSide);
  const typeRaw = p.get('type');
  if (typeRaw === null || typeRaw === '') reject(mandatoryParamMissing('type'));
  if (typeRaw !== null && ALGO_ORDER_TYPES.has(typeRaw)) reject(BINANCE_ERRORS.orderTypeNeedsAlgoEndpoint);
  if (typeRaw !== 'LIMIT' && typeRaw !== 'MARKET') reject(BINANCE_ERRORS.invalidOrderType);
  const positionSide = p.get('positionSide');
  if (positionSide !== null && positionSide !== 'BOTH') reject(BINANCE_ERRORS.positionSideMismatch);

  const qty = decimalParam(req, 'quantity') ?? reject(mandatoryParamMissing('quantity'));
  const price = decimalParam(req, 'price');
  const tifRaw = p.get('timeInForce');
  let timeInForce: TimeInForce | undefined;
  if (typeRaw === 'LIMIT') {
    if (price === undefined) reject(mandatoryParamMissing('price'));
    if (tifRaw === null || tifRaw === '') reject(mandatoryParamMissing('timeInForce'));
    if (!TIME_IN_FORCE.has(tifRaw as TimeInForce)) reject(BINANCE_ERRORS.invalidTimeInForce);
    timeInForce = tifRaw as TimeInForce;
  } else if (price !== undefined) {
    reject(paramNotRequired('price'));
  }
  // PRICE_FILTER maxPrice is the gateway's to enforce (the engine's MarketSpec has no band).
  if (price !== undefined && cmp(price, PRICE_MAX) > 0) reject(BINANCE_ERRORS.priceAboveMax);

  const clientOrderIdRaw = p.get('newClientOrderId');
  let clientOrderId: string;
  if (clientOrderIdRaw === null || clientOrderIdRaw === '') clientOrderId = clientOrderIdFallback();
  else if (!CLIENT_ORDER_ID.test(clientOrderIdRaw)) return reject(BINANCE_ERRORS.clientOrderIdInvalid);
  else clientOrderId = clientOrderIdRaw;

  return {
    symbol: spec.symbol,
    side: sideRaw === 'BUY' ? 'buy' : 'sell',
    type: typeRaw === 'LIMIT' ? 'limit' : 'market',
    qty,
    ...(price !== undefined ? { price } : {}),
    ...(timeInForce !== undefined ? { timeInForce } : {}),
    reduceOnly: bool(p.get('reduceOnly')),
    clientOrderId,
    nowMs: req.nowMs,
  };
}

/** Which of Binance's quantity filters an order breaks (the engine only says "invalid quantity"). */
export function quantityError(qty: string, spec: MarketSpec): BinanceError {
  if (cmp(qty, '0') <= 0) return BINANCE_ERRORS.quantityNotPositive;
  if (places(qty) > decimalsOf(spec.qtyStep) || !onStep(qty, spec.qtyStep)) return BINANCE_ERRORS.precisionOverMax;
  if (cmp(qty, spec.qtyMin) < 0) return BINANCE_ERRORS.quantityBelowMin;
  if (cmp(qty, spec.qtyMax) > 0) return BINANCE_ERRORS.quantityAboveMax;
  return BINANCE_ERRORS.quantityBelowMin;
}

/** Which of Binance's price filters an order breaks. */
export function priceError(price: string | undefined, spec: MarketSpec): BinanceError {
  if (price === undefined || cmp(price, '0') <= 0) return BINANCE_ERRORS.priceNotPositive;
  if (places(price) > decimalsOf(spec.priceTick)) return BINANCE_ERRORS.precisionOverMax;
  if (!onStep(price, spec.priceTick)) return BINANCE_ERRORS.priceNotOnTick;
  if (cmp(price, spec.priceTick) < 0) return BINANCE_ERRORS.priceBelowMin;
  if (cmp(price, PRICE_MAX) > 0) return BINANCE_ERRORS.priceAboveMax;
  return BINANCE_ERRORS.priceNotOnTick;
}

function placeErrorFor(reason: VenueRejection, order: PlaceOrderRequest, spec: MarketSpec): BinanceError {
  if (reason === 'invalidQuantity') return quantityError(order.qty, spec);
  if (reason === 'invalidPrice') return priceError(order.price, spec);
  return placeRejection(reason, { notionalMin: spec.notionalMin });
}

// ---------------------------------------------------------------------------------------------
// The table

const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000] as const;
const DEPTH_LIMIT_DEFAULT = 500;

/** Binance's valid depth limits; other values are snapped up to the next valid one (max 1000). */
function depthLimit(query: URLSearchParams): number {
  const raw = Number(query.get('limit') ?? DEPTH_LIMIT_DEFAULT);
  if (!Number.isFinite(raw) || raw <= 0) return DEPTH_LIMIT_DEFAULT;
  return DEPTH_LIMITS.find((l) => l >= raw) ?? 1000;
}

function depthWeight(query: URLSearchParams): number {
  const limit = depthLimit(query);
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

const USER_TRADES_LIMIT_DEFAULT = 500;
const USER_TRADES_LIMIT_MAX = 1000;

const w = (n: number) => (): number => n;
const perSymbol = (withSymbol: number, without: number) => (q: URLSearchParams): number => (q.get('symbol') ? withSymbol : without);

/** Builds the route table for one venue. `nextClientOrderId` names orders sent without one. */
export function buildRoutes(nextClientOrderId: () => string): Route[] {
  const routes: Route[] = [
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/time', group: 'status', signed: false, weight: w(1), orderCount: 0,
      handle: (req) => json({ serverTime: req.clockMs }),
    },
    {
      host: 'api', method: 'GET', path: '/sapi/v1/system/status', group: 'status', signed: false, weight: w(1), orderCount: 0,
      handle: (req) => json(req.ctx.systemStatus() === 'normal' ? { status: 0, msg: 'normal' } : { status: 1, msg: 'system_maintenance' }),
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/exchangeInfo', group: 'reference', signed: false, weight: w(1), orderCount: 0,
      handle: (req) => json(renderExchangeInfo(req.ctx.engine.markets, req.nowMs)),
    },
    {
      host: 'api', method: 'GET', path: '/sapi/v1/capital/config/getall', group: 'reference', signed: true, weight: w(1), orderCount: 0,
      handle: (req) => {
        const markets = req.ctx.engine.markets;
        const assets = new Set<string>();
        for (const m of markets) for (const a of [m.base, m.quote, m.settle]) assets.add(a);
        for (const b of req.ctx.engine.balances(req.nowMs)) assets.add(b.asset);
        return json(renderCapitalConfig([...assets].sort()));
      },
    },
    {
      host: 'api', method: 'GET', path: '/sapi/v1/margin/allPairs', group: 'reference', signed: true, weight: w(1), orderCount: 0,
      handle: (req) => json(renderMarginAllPairs(req.ctx.engine.markets)),
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/leverageBracket', group: 'reference', signed: true, weight: w(1), orderCount: 0,
      handle: (req) => json(renderLeverageBrackets(req.ctx.engine.markets, req.ctx.engine.positions(req.nowMs), optionalSymbol(req)?.id)),
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/ticker/24hr', group: 'marketData', signed: false, weight: perSymbol(1, 40), orderCount: 0,
      handle: (req) => {
        const one = optionalSymbol(req);
        // Market data shows the market as of marketDataTimeMs (a stale feed lags; fills do not).
        const render = (m: MarketSpec): unknown => renderTicker24hr(m, req.ctx.engine.ticker(m.symbol, req.ctx.marketDataTimeMs()));
        return json(one !== undefined ? render(one) : req.ctx.engine.markets.map(render));
      },
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/depth', group: 'marketData', signed: false, weight: depthWeight, orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const asOfMs = req.ctx.marketDataTimeMs();
        return json(renderDepth(spec, req.ctx.engine.book(spec.symbol, asOfMs, depthLimit(req.params)), asOfMs));
      },
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v3/account', group: 'account', signed: true, weight: w(5), orderCount: 0,
      handle: (req) => {
        const e = req.ctx.engine;
        const view = req.ctx.accountView();
        return json(renderAccountV3({ balances: view.balances(req.nowMs), positions: view.positions(req.nowMs), openOrders: view.openOrders(), markets: e.markets }));
      },
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v3/positionRisk', group: 'account', signed: true, weight: w(5), orderCount: 0,
      handle: (req) => {
        const e = req.ctx.engine;
        const spec = optionalSymbol(req);
        const view = req.ctx.accountView();
        return json(renderPositionRiskV3({ positions: view.positions(req.nowMs), openOrders: view.openOrders(), markets: e.markets, ...(spec ? { symbolId: spec.id } : {}) }));
      },
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/userTrades', group: 'account', signed: true, weight: w(5), orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const orderId = integerParam(req, 'orderId');
        const startTime = integerParam(req, 'startTime');
        const endTime = integerParam(req, 'endTime');
        const fromId = integerParam(req, 'fromId');
        const limitRaw = integerParam(req, 'limit') ?? USER_TRADES_LIMIT_DEFAULT;
        if (limitRaw > USER_TRADES_LIMIT_MAX || limitRaw <= 0) reject({ status: 400, code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
        let fills = req.ctx.accountView().trades(spec.symbol, orderId !== undefined ? { orderId: String(orderId) } : {});
        fills = fills.filter(
          (f) =>
            (startTime === undefined || f.timeMs >= startTime) &&
            (endTime === undefined || f.timeMs <= endTime) &&
            (fromId === undefined || Number(f.tradeId) >= fromId),
        );
        // From a start point Binance returns the oldest `limit` trades, otherwise the newest.
        fills = startTime !== undefined || fromId !== undefined ? fills.slice(0, limitRaw) : fills.slice(-limitRaw);
        return json(fills.map((f) => renderUserTrade(f, spec)));
      },
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/order', group: 'account', signed: true, weight: w(1), orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const order = req.ctx.accountView().getOrder(orderRef(req, spec));
        return order === undefined ? errorResponse(BINANCE_ERRORS.orderDoesNotExist) : json(renderOrder(order, spec, 'query'));
      },
    },
    {
      host: 'fapi', method: 'GET', path: '/fapi/v1/openOrders', group: 'account', signed: true, weight: perSymbol(1, 40), orderCount: 0,
      handle: (req) => {
        const spec = optionalSymbol(req);
        const orders = req.ctx.accountView().openOrders(spec?.symbol);
        return json(orders.map((o) => renderOrder(o, specOf(req, o.symbol), 'query')));
      },
    },
    {
      host: 'fapi', method: 'POST', path: '/fapi/v1/order', group: 'order', signed: true, weight: w(0), orderCount: 1,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const order = parseNewOrder(req, spec, nextClientOrderId);
        // A partial maintenance phase: cancels and reads pass; new orders outside the phase do not.
        const phase = req.ctx.tradingPhase();
        if (phase === 'cancelOnly' || (phase === 'postOnly' && order.timeInForce !== 'GTX')) return errorResponse(BINANCE_ERRORS.marketClosed);
        if (phase === 'reduceOnly' && order.reduceOnly !== true) return errorResponse(BINANCE_ERRORS.reduceOnlyPhase);
        const result = req.ctx.engine.placeOrder(order);
        if (!result.ok) return errorResponse(placeErrorFor(result.reason, order, spec));
        const shape = req.params.get('newOrderRespType') === 'RESULT' ? 'result' : 'ack';
        return json(renderOrder(result.value, spec, shape));
      },
    },
    {
      host: 'fapi', method: 'DELETE', path: '/fapi/v1/order', group: 'order', signed: true, weight: w(1), orderCount: 0,
      handle: (req) => {
        const spec = requiredSymbol(req);
        const result = req.ctx.engine.cancelOrder({ ...orderRef(req, spec), nowMs: req.nowMs });
        return result.ok ? json(renderOrder(result.value, spec, 'result')) : errorResponse(cancelRejection(result.reason));
      },
    },
  ];
  return routes.map((r) => ({ ...r, handle: guarded(r.handle) }));
}
