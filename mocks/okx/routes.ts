import * as F from '../../src/venue/decimal.ts';
import type { AccountView } from '../../src/venue/history.ts';
import type { Fill, Order, PlaceOrderRequest, TimeInForce, VenueRejection } from '../../src/venue/types.ts';
import type { DialectContext, EndpointGroup } from '../types.ts';
import { instrumentsFor, toBase, type OkxInstrument } from './contracts.ts';
import {
  ALL_FAILED_MSG,
  OKX_ERRORS,
  OKX_ITEM_ERRORS,
  PARTIAL_MSG,
  bulkTooLarge,
  errorResponse,
  itemParamEmpty,
  itemParamError,
  okxResponse,
  paramEmpty,
  paramError,
  type OkxError,
  type OkxItemError,
} from './errors.ts';
import { LOCAL_ORD_ID_BASE, engineOrderIdOf, engineTradeIdOfBill, ordIdOf } from './ids.ts';
import { weightFor } from './limits.ts';
import {
  positionHistoryOf,
  renderBalance,
  renderBook,
  renderCurrencies,
  renderFill,
  renderInstrument,
  renderLocalOrder,
  renderOrder,
  renderPosition,
  renderStatusEvent,
  renderTicker,
  type InstrumentState,
  type LocalOrder,
  type OrderMeta,
} from './render.ts';

/**
 * The route table of the OKX v5 dialect: one entry per (method, path) on the venue's single host,
 * looked up in a Map by its one MSW handler (DESIGN fact 5). `perTwoSeconds` is the endpoint's
 * published rate limit (each endpoint page of https://www.okx.com/docs-v5/en/, "Rate Limit: N
 * requests per 2 seconds"); its `weight` in the shared budget follows from it (limits.ts).
 */

export interface RouteRequest {
  query: URLSearchParams;
  /** The parsed JSON body of a POST (undefined for GET). */
  body: unknown;
  headers: Headers;
  /** True virtual time: when the engine acts. */
  nowMs: number;
  /** The venue's own clock (skewed under clockSkew): what it reports and stamps. */
  clockMs: number;
  ctx: DialectContext;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  group: EndpointGroup;
  signed: boolean;
  /** The endpoint's own limit, requests per 2 s. */
  perTwoSeconds: number;
  /** Its cost in the shared per-endpoint budget (limits.ts). */
  weight: number;
  /** 1 for an order placement (the sub-account order budget, ackLoss), else 0. */
  orderCount: number;
  handle: (req: RouteRequest) => Response;
}

export const routeKey = (method: string, path: string): string => `${method} ${path}`;

/** Most orders one `batch-orders` request may carry. */
export const BATCH_ORDERS_MAX = 20;
/** Default and largest page of the list endpoints (orders-pending, fills-history). */
const PAGE_LIMIT_MAX = 100;
/** `sz` of market/books: default 1 level, at most 400. */
const BOOK_DEPTH_DEFAULT = 1;
const BOOK_DEPTH_MAX = 400;

// ---------------------------------------------------------------------------------------------
// The venue's memory: what OKX knows about orders that the engine does not.

/**
 * Per-venue state of the dialect: the instrument table and what OKX remembers about orders beyond
 * the engine's record (the ordType as sent, the tag, whether the client id was made up), plus the
 * post-only orders OKX accepted and canceled at once (they never reach the engine).
 */
export interface OkxVenue {
  instruments: readonly OkxInstrument[];
  byInstId: ReadonlyMap<string, OkxInstrument>;
  bySymbol: ReadonlyMap<string, OkxInstrument>;
  orderMeta: Map<string, OrderMeta>;
  localOrders: Map<string, LocalOrder>;
  localByClOrdId: Map<string, LocalOrder>;
  /** Client ids for orders sent without one (deterministic counter). */
  nextAutoClOrdId: () => string;
  nextLocalOrdId: () => string;
}

export function createOkxVenue(ctx: DialectContext): OkxVenue {
  const instruments = instrumentsFor(ctx.engine.markets);
  let autoIds = 0;
  let localIds = 0n;
  return {
    instruments,
    byInstId: new Map(instruments.map((i) => [i.instId, i])),
    bySymbol: new Map(instruments.map((i) => [i.spec.symbol, i])),
    orderMeta: new Map(),
    localOrders: new Map(),
    localByClOrdId: new Map(),
    nextAutoClOrdId: () => `vcauto${++autoIds}`,
    nextLocalOrdId: () => String(LOCAL_ORD_ID_BASE + ++localIds),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** `{"code":"0","msg":"","data":[…]}` (trade endpoints add OKX's gateway in/out times, µs). */
function ok(data: unknown[], clockMs?: number): Response {
  return okxResponse({ code: '0', msg: '', data, ...(clockMs !== undefined ? gatewayTimes(clockMs) : {}) });
}

const gatewayTimes = (clockMs: number): Record<string, string> => ({ inTime: `${clockMs}000`, outTime: `${clockMs}000` });

class RequestRejected extends Error {
  constructor(readonly error: OkxError) {
    super(error.msg);
  }
}

/** Throws an OKX request-level error out of a handler; `guarded` turns it into the response. */
const reject: (error: OkxError) => never = (error) => {
  throw new RequestRejected(error);
};

function guarded(handle: (req: RouteRequest) => Response): (req: RouteRequest) => Response {
  return (req) => {
    try {
      return handle(req);
    } catch (e) {
      if (e instanceof RequestRejected) return errorResponse(e.error);
      throw e;
    }
  };
}

const DECIMAL = /^[0-9]{1,20}(\.[0-9]{1,20})?$/;
const INTEGER = /^[0-9]{1,20}$/;
/** "A combination of case-sensitive alphanumerics, all numbers, or all letters of up to 32 characters." */
const CL_ORD_ID = /^[A-Za-z0-9]{1,32}$/;
/** "A combination of case-sensitive alphanumerics, all numbers, or all letters of up to 16 characters." */
const TAG = /^[A-Za-z0-9]{1,16}$/;

const param = (q: URLSearchParams, name: string): string | undefined => {
  const v = q.get(name);
  return v === null || v === '' ? undefined : v;
};

function requiredInstrument(req: RouteRequest, v: OkxVenue): OkxInstrument {
  const instId = param(req.query, 'instId') ?? reject(paramEmpty('instId'));
  return v.byInstId.get(instId) ?? reject(OKX_ERRORS.instrumentUnknown);
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = param(q, name);
  if (v === undefined) return undefined;
  return INTEGER.test(v) ? Number(v) : reject(paramError(name));
}

function pageLimit(q: URLSearchParams): number {
  const limit = intParam(q, 'limit') ?? PAGE_LIMIT_MAX;
  if (limit < 1 || limit > PAGE_LIMIT_MAX) reject(paramError('limit'));
  return limit;
}

/** The instrument types OKX knows; only SWAP has instruments on this venue. */
const INST_TYPES = new Set(['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION', 'EVENTS']);

function instTypeParam(q: URLSearchParams, required: boolean): string | undefined {
  const t = param(q, 'instType');
  if (t === undefined) return required ? reject(paramEmpty('instType')) : undefined;
  return INST_TYPES.has(t) ? t : reject(paramError('instType'));
}

/** What the instruments endpoint reports for the venue's trading phase. */
function instrumentState(ctx: DialectContext): InstrumentState {
  const phase = ctx.tradingPhase();
  return phase === 'cancelOnly' ? 'suspend' : phase === 'postOnly' ? 'post_only' : 'live';
}

function leverOf(view: AccountView, symbol: string, nowMs: number): string {
  const p = view.positions(nowMs).find((x) => x.symbol === symbol);
  return p === undefined ? '' : String(p.leverage);
}

function instrumentOf(v: OkxVenue, symbol: string): OkxInstrument {
  const inst = v.bySymbol.get(symbol);
  if (inst === undefined) throw new Error(`venuechaos okx dialect: the engine reported ${symbol}, which the venue does not list`);
  return inst;
}

function renderEngineOrder(v: OkxVenue, view: AccountView, o: Order, nowMs: number): Record<string, unknown> {
  const fills = view.trades(o.symbol, { orderId: o.orderId });
  return renderOrder(o, instrumentOf(v, o.symbol), v.orderMeta.get(o.orderId), fills, leverOf(view, o.symbol, nowMs));
}

/** Newest first by a numeric id, then the page after/before a cursor id. */
function page<T>(items: readonly T[], idOf: (t: T) => bigint, q: URLSearchParams, limit: number): T[] {
  const cursor = (name: string): bigint | undefined => {
    const c = param(q, name);
    if (c === undefined) return undefined;
    return INTEGER.test(c) ? BigInt(c) : reject(paramError(name));
  };
  const after = cursor('after');
  const before = cursor('before');
  return [...items]
    .sort((a, b) => (idOf(b) > idOf(a) ? 1 : idOf(b) < idOf(a) ? -1 : 0))
    .filter((t) => (after === undefined || idOf(t) < after) && (before === undefined || idOf(t) > before))
    .slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// Order placement

interface PlaceItem {
  clOrdId: string;
  tag: string;
}

type Placed = { ok: true; ordId: string } | { ok: false; error: OkxItemError };

const ORD_TYPES: Readonly<Record<string, { type: 'market' | 'limit'; timeInForce?: TimeInForce }>> = {
  market: { type: 'market' },
  optimal_limit_ioc: { type: 'market' },
  limit: { type: 'limit', timeInForce: 'GTC' },
  post_only: { type: 'limit', timeInForce: 'GTX' },
  ioc: { type: 'limit', timeInForce: 'IOC' },
  fok: { type: 'limit', timeInForce: 'FOK' },
};

const asText = (x: unknown): string | undefined => (typeof x === 'string' ? x : typeof x === 'number' && Number.isFinite(x) ? String(x) : undefined);

/** `clOrdId` and `tag` as sent, for echoing in the item's answer. */
function echoOf(raw: unknown): PlaceItem {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return { clOrdId: asText(o['clOrdId']) ?? '', tag: asText(o['tag']) ?? '' };
}

/** Why the engine refused an order, in OKX's words. */
function placeRejection(reason: VenueRejection, order: PlaceOrderRequest, v: OkxVenue, ctx: DialectContext): OkxItemError {
  switch (reason) {
    case 'unknownSymbol':
      return OKX_ITEM_ERRORS.instrumentUnknown;
    case 'duplicateClientOrderId':
      return OKX_ITEM_ERRORS.duplicateClientOrderId;
    case 'insufficientMargin':
      return OKX_ITEM_ERRORS.marginInsufficient(instrumentOf(v, order.symbol).spec.settle);
    case 'notionalTooSmall':
      return OKX_ITEM_ERRORS.amountTooSmall;
    case 'invalidQuantity':
      return OKX_ITEM_ERRORS.notLotMultiple;
    case 'invalidPrice':
      return itemParamError('px');
    case 'reduceOnlyRejected': {
      const size = F.parse(ctx.engine.positions(order.nowMs).find((p) => p.symbol === order.symbol)?.size ?? '0');
      if (size === 0n) return OKX_ITEM_ERRORS.reduceOnlyNoPosition;
      if ((size > 0n) === (order.side === 'buy')) return OKX_ITEM_ERRORS.reduceOnlySameDirection;
      return OKX_ITEM_ERRORS.reduceOnlyTooLarge;
    }
    case 'postOnlyWouldTake':
    case 'orderNotFound':
    case 'orderNotCancelable':
      // Post-only is handled by the caller; the others cannot come from a placement.
      return itemParamError('ordType');
    default:
      // Reasons of markets the dialect does not list (the engine's spot balance checks): OKX's
      // answer for funds that do not cover an order.
      return OKX_ITEM_ERRORS.marginInsufficient(instrumentOf(v, order.symbol).spec.settle);
  }
}

/**
 * One order of `POST /trade/order` or `/trade/batch-orders`, checked field by field the way OKX's
 * order gateway answers (each failure an item `sCode`), then placed in the engine in base units.
 */
function placeOne(raw: unknown, req: RouteRequest, v: OkxVenue): Placed {
  const fail = (error: OkxItemError): Placed => ({ ok: false, error });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(itemParamError('order'));
  const o = raw as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const t = asText(o[name]);
    return t === undefined || t === '' ? undefined : t;
  };

  const instId = text('instId');
  if (instId === undefined) return fail(itemParamEmpty('instId'));
  const inst = v.byInstId.get(instId);
  if (inst === undefined) return fail(OKX_ITEM_ERRORS.instrumentUnknown);
  const tdMode = text('tdMode');
  if (tdMode === undefined) return fail(itemParamEmpty('tdMode'));
  // The engine models one cross-margin account; isolated and cash modes are refused (README).
  if (tdMode !== 'cross') return fail(itemParamError('tdMode'));
  const side = text('side');
  if (side === undefined) return fail(itemParamEmpty('side'));
  if (side !== 'buy' && side !== 'sell') return fail(itemParamError('side'));
  // The account is in net (one-way) mode: posSide is "net" or absent.
  const posSide = text('posSide');
  if (posSide !== undefined && posSide !== 'net') return fail(itemParamError('posSide'));
  const ordType = text('ordType');
  if (ordType === undefined) return fail(itemParamEmpty('ordType'));
  const kind = ORD_TYPES[ordType];
  if (kind === undefined) return fail(itemParamError('ordType'));
  const attached = o['attachAlgoOrds'];
  if (Array.isArray(attached) && attached.length > 0) return fail(itemParamError('attachAlgoOrds'));

  const sz = text('sz');
  if (sz === undefined) return fail(itemParamEmpty('sz'));
  const szFixed = DECIMAL.test(sz) ? F.tryParse(sz) : undefined;
  if (szFixed === undefined || szFixed <= 0n) return fail(itemParamError('sz'));
  if (!F.isMultiple(szFixed, F.parse(inst.lotSz))) return fail(OKX_ITEM_ERRORS.notLotMultiple);
  if (szFixed < F.parse(inst.minSz)) return fail(OKX_ITEM_ERRORS.amountTooSmall);
  if (szFixed > F.parse(inst.maxSz)) return fail(kind.type === 'market' ? OKX_ITEM_ERRORS.marketTooLarge : OKX_ITEM_ERRORS.amountTooLarge);
  const qty = toBase(sz, inst);
  if (qty === undefined) return fail(itemParamError('sz'));

  let price: string | undefined;
  if (kind.type === 'limit') {
    const px = text('px');
    if (px === undefined) return fail(OKX_ITEM_ERRORS.limitPriceEmpty);
    const pxFixed = DECIMAL.test(px) ? F.tryParse(px) : undefined;
    if (pxFixed === undefined || pxFixed <= 0n || !F.isMultiple(pxFixed, F.parse(inst.tickSz))) return fail(itemParamError('px'));
    price = F.format(pxFixed);
  }
  const reduceOnlyRaw = o['reduceOnly'];
  if (reduceOnlyRaw !== undefined && reduceOnlyRaw !== true && reduceOnlyRaw !== false && reduceOnlyRaw !== 'true' && reduceOnlyRaw !== 'false') {
    return fail(itemParamError('reduceOnly'));
  }
  const reduceOnly = reduceOnlyRaw === true || reduceOnlyRaw === 'true';
  const clOrdIdSent = text('clOrdId');
  if (clOrdIdSent !== undefined && !CL_ORD_ID.test(clOrdIdSent)) return fail(itemParamError('clOrdId'));
  const tag = text('tag') ?? '';
  if (tag !== '' && !TAG.test(tag)) return fail(itemParamError('tag'));

  // The request's deadline (header `expTime`, ms on the venue's clock).
  const expTime = req.headers.get('expTime');
  if (expTime !== null && INTEGER.test(expTime) && req.clockMs > Number(expTime)) return fail(OKX_ITEM_ERRORS.orderExpired);

  // A partial maintenance phase, in OKX's words: a suspended contract takes cancels only; the
  // post_only instrument state takes post-only orders; the reduce-only restriction takes reduce-only orders.
  const phase = req.ctx.tradingPhase();
  if (phase === 'cancelOnly') return fail(OKX_ITEM_ERRORS.contractSuspended);
  if (phase === 'postOnly' && ordType !== 'post_only') return fail(OKX_ITEM_ERRORS.postOnlyOnly);
  if (phase === 'reduceOnly' && !reduceOnly) return fail(OKX_ITEM_ERRORS.reduceOnlyOnly);

  const clOrdId = clOrdIdSent ?? v.nextAutoClOrdId();
  const order: PlaceOrderRequest = {
    symbol: inst.spec.symbol,
    side,
    type: kind.type,
    qty,
    ...(price !== undefined ? { price } : {}),
    ...(kind.timeInForce !== undefined ? { timeInForce: kind.timeInForce } : {}),
    reduceOnly,
    clientOrderId: clOrdId,
    nowMs: req.nowMs,
  };
  const result = req.ctx.engine.placeOrder(order);
  if (!result.ok) {
    if (result.reason === 'postOnlyWouldTake' && price !== undefined) {
      // OKX accepts a post-only order that would take, then cancels it at once (cancelSource 31).
      const local: LocalOrder = { ordId: v.nextLocalOrdId(), inst, clOrdId: clOrdIdSent ?? '', tag, side, sz, px: price, reduceOnly, timeMs: req.nowMs };
      v.localOrders.set(local.ordId, local);
      if (clOrdIdSent !== undefined) v.localByClOrdId.set(clOrdIdSent, local);
      return { ok: true, ordId: local.ordId };
    }
    return fail(placeRejection(result.reason, order, v, req.ctx));
  }
  v.orderMeta.set(result.value.orderId, { ordType, tag, clOrdIdAssigned: clOrdIdSent === undefined });
  return { ok: true, ordId: ordIdOf(result.value.orderId) };
}

/** The `data` item answering one placement. */
function placeItem(echo: PlaceItem, placed: Placed, clockMs: number): Record<string, string> {
  return placed.ok
    ? { clOrdId: echo.clOrdId, ordId: placed.ordId, sCode: '0', sMsg: 'Order placed', tag: echo.tag, ts: String(clockMs) }
    : { clOrdId: echo.clOrdId, ordId: '', sCode: placed.error.sCode, sMsg: placed.error.sMsg, tag: echo.tag, ts: String(clockMs) };
}

/** Top-level code and msg of a trade answer: "0" all placed, "1" none (batch: "All operations failed"), "2" some. */
function tradeEnvelope(items: readonly Record<string, string>[], batch: boolean): { code: string; msg: string } {
  const failed = items.filter((i) => i['sCode'] !== '0').length;
  if (failed === 0) return { code: '0', msg: '' };
  if (failed === items.length) return { code: '1', msg: batch ? ALL_FAILED_MSG : '' };
  return { code: '2', msg: PARTIAL_MSG };
}

function tradeResponse(items: Record<string, string>[], batch: boolean, clockMs: number): Response {
  return okxResponse({ ...tradeEnvelope(items, batch), data: items, ...gatewayTimes(clockMs) });
}

/**
 * The answer of a placement whose outcome is unknown (ackLoss `unknownStatus`): the item carries
 * 51149 "Order timed out … (does not mean that the request was successful or failed …)", the
 * trade-class code for an order placement whose fate the gateway does not know (reference §3.2).
 */
export function unknownStatusResponse(batch: boolean, clockMs: number): Response {
  const e = OKX_ITEM_ERRORS.orderTimedOut;
  return tradeResponse([{ clOrdId: '', ordId: '', sCode: e.sCode, sMsg: e.sMsg, tag: '', ts: String(clockMs) }], batch, clockMs);
}

// ---------------------------------------------------------------------------------------------
// Order lookup

/** The order an `ordId`/`clOrdId` names (ordId wins when both are sent), from the dialect's memory or the engine's view. */
function findOrder(v: OkxVenue, view: AccountView, inst: OkxInstrument, ids: { ordId?: string; clOrdId?: string }): { local: LocalOrder } | { order: Order } | undefined {
  if (ids.ordId !== undefined) {
    const local = v.localOrders.get(ids.ordId);
    if (local !== undefined) return local.inst === inst ? { local } : undefined;
    const engineId = engineOrderIdOf(ids.ordId);
    const order = engineId === undefined ? undefined : view.getOrder({ symbol: inst.spec.symbol, orderId: engineId });
    return order === undefined ? undefined : { order };
  }
  if (ids.clOrdId !== undefined) {
    const order = view.getOrder({ symbol: inst.spec.symbol, clientOrderId: ids.clOrdId });
    // A client id the dialect made up is not one the client can ask for.
    if (order !== undefined && v.orderMeta.get(order.orderId)?.clOrdIdAssigned !== true) return { order };
    const local = v.localByClOrdId.get(ids.clOrdId);
    return local !== undefined && local.inst === inst ? { local } : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The table

const route = (r: Omit<Route, 'weight'>): Route => ({ ...r, weight: weightFor(r.perTwoSeconds) });

/** Builds the route table for one venue. */
export function buildRoutes(v: OkxVenue): Route[] {
  const routes: Route[] = [
    route({
      method: 'GET', path: '/api/v5/public/time', group: 'status', signed: false, perTwoSeconds: 10, orderCount: 0,
      handle: (req) => ok([{ ts: String(req.clockMs) }]),
    }),
    route({
      // OKX: "1 request per 5 seconds", which 2-second windows cannot express. Modelled as 2 per
      // 2 s, so a status check right after another (the fault matrix's before/inside calls, 1 s
      // apart) is answered; a client polling at 1 Hz or faster is refused (README "Rate limits").
      method: 'GET', path: '/api/v5/system/status', group: 'status', signed: false, perTwoSeconds: 2, orderCount: 0,
      handle: (req) => {
        const asked = param(req.query, 'state');
        const states = asked !== undefined ? new Set([asked]) : new Set(['scheduled', 'ongoing', 'pre_open']);
        const events = req.ctx.announcedMaintenance().map(renderStatusEvent).filter((e) => states.has(String(e['state'])));
        return ok(events);
      },
    }),
    route({
      method: 'GET', path: '/api/v5/public/instruments', group: 'reference', signed: false, perTwoSeconds: 20, orderCount: 0,
      handle: (req) => {
        const instType = instTypeParam(req.query, true);
        const family = param(req.query, 'instFamily') ?? param(req.query, 'uly');
        if (instType === 'OPTION' && family === undefined) reject(paramEmpty('instFamily'));
        if (instType !== 'SWAP') return ok([]);
        const instId = param(req.query, 'instId');
        const state = instrumentState(req.ctx);
        return ok(v.instruments.filter((i) => (instId === undefined || i.instId === instId) && (family === undefined || i.instFamily === family)).map((i) => renderInstrument(i, state)));
      },
    }),
    route({
      method: 'GET', path: '/api/v5/asset/currencies', group: 'reference', signed: true, perTwoSeconds: 12, orderCount: 0,
      handle: (req) => {
        const assets = new Set<string>();
        for (const i of v.instruments) for (const a of [i.spec.base, i.spec.quote, i.spec.settle]) assets.add(a);
        for (const b of req.ctx.engine.balances(req.nowMs)) assets.add(b.asset);
        const wanted = param(req.query, 'ccy')?.split(',');
        return ok(renderCurrencies([...assets].sort().filter((a) => wanted === undefined || wanted.includes(a))));
      },
    }),
    route({
      method: 'GET', path: '/api/v5/market/ticker', group: 'marketData', signed: false, perTwoSeconds: 20, orderCount: 0,
      handle: (req) => {
        const inst = requiredInstrument(req, v);
        // Market data shows the market as of marketDataTimeMs (a stale feed lags; fills do not).
        return ok([renderTicker(inst, req.ctx.engine.ticker(inst.spec.symbol, req.ctx.marketDataTimeMs()))]);
      },
    }),
    route({
      method: 'GET', path: '/api/v5/market/tickers', group: 'marketData', signed: false, perTwoSeconds: 20, orderCount: 0,
      handle: (req) => {
        const instType = instTypeParam(req.query, true);
        if (instType !== 'SWAP') return ok([]);
        const family = param(req.query, 'instFamily') ?? param(req.query, 'uly');
        const asOfMs = req.ctx.marketDataTimeMs();
        return ok(v.instruments.filter((i) => family === undefined || i.instFamily === family).map((i) => renderTicker(i, req.ctx.engine.ticker(i.spec.symbol, asOfMs))));
      },
    }),
    route({
      method: 'GET', path: '/api/v5/market/books', group: 'marketData', signed: false, perTwoSeconds: 40, orderCount: 0,
      handle: (req) => {
        const inst = requiredInstrument(req, v);
        const depth = intParam(req.query, 'sz') ?? BOOK_DEPTH_DEFAULT;
        if (depth < 1 || depth > BOOK_DEPTH_MAX) reject(paramError('sz'));
        return ok([renderBook(inst, req.ctx.engine.book(inst.spec.symbol, req.ctx.marketDataTimeMs(), depth))]);
      },
    }),
    route({
      method: 'GET', path: '/api/v5/account/balance', group: 'account', signed: true, perTwoSeconds: 10, orderCount: 0,
      handle: (req) => {
        const view = req.ctx.accountView();
        const wanted = param(req.query, 'ccy');
        const usdPriceOf = (asset: string): string | undefined => {
          const inst = v.instruments.find((i) => i.spec.base === asset);
          return inst === undefined ? undefined : req.ctx.engine.ticker(inst.spec.symbol, req.nowMs).last;
        };
        return ok([
          renderBalance({
            balances: view.balances(req.nowMs),
            positions: view.positions(req.nowMs),
            settleOf: (symbol) => v.bySymbol.get(symbol)?.spec.settle,
            usdPriceOf,
            ...(wanted !== undefined ? { ccy: new Set(wanted.split(',')) } : {}),
          }),
        ]);
      },
    }),
    route({
      // The funding account: the engine models the trading account only, so it is empty.
      method: 'GET', path: '/api/v5/asset/balances', group: 'account', signed: true, perTwoSeconds: 12, orderCount: 0,
      handle: () => ok([]),
    }),
    route({
      method: 'GET', path: '/api/v5/account/positions', group: 'account', signed: true, perTwoSeconds: 10, orderCount: 0,
      handle: (req) => {
        const instType = instTypeParam(req.query, false);
        if (instType !== undefined && instType !== 'SWAP') return ok([]);
        const instIds = param(req.query, 'instId')?.split(',');
        const posIds = param(req.query, 'posId')?.split(',');
        const view = req.ctx.accountView();
        const balances = view.balances(req.nowMs);
        const positions = view.positions(req.nowMs).filter((p) => F.parse(p.size) !== 0n && v.bySymbol.has(p.symbol));
        const rows = positions.flatMap((p) => {
          const inst = instrumentOf(v, p.symbol);
          if (instIds !== undefined && !instIds.includes(inst.instId)) return [];
          const settle = balances.find((b) => b.asset === inst.spec.settle);
          const mmr = positions.filter((x) => instrumentOf(v, x.symbol).spec.settle === inst.spec.settle).reduce((acc, x) => acc + F.parse(x.maintenanceMargin), 0n);
          const row = renderPosition(p, inst, positionHistoryOf(view.trades(p.symbol)), { eq: settle?.marginBalance ?? '0', mmr });
          return posIds === undefined || posIds.includes(String(row['posId'])) ? [row] : [];
        });
        return ok(rows);
      },
    }),
    route({
      method: 'GET', path: '/api/v5/trade/order', group: 'account', signed: true, perTwoSeconds: 60, orderCount: 0,
      handle: (req) => {
        const inst = requiredInstrument(req, v);
        const ordId = param(req.query, 'ordId');
        const clOrdId = param(req.query, 'clOrdId');
        if (ordId === undefined && clOrdId === undefined) reject(OKX_ERRORS.orderIdRequired);
        const view = req.ctx.accountView();
        const found = findOrder(v, view, inst, { ...(ordId !== undefined ? { ordId } : {}), ...(clOrdId !== undefined ? { clOrdId } : {}) });
        if (found === undefined) return errorResponse(OKX_ERRORS.orderNotFound);
        const lever = leverOf(view, inst.spec.symbol, req.nowMs);
        return ok(['local' in found ? renderLocalOrder(found.local, lever) : renderEngineOrder(v, view, found.order, req.nowMs)]);
      },
    }),
    route({
      method: 'GET', path: '/api/v5/trade/orders-pending', group: 'account', signed: true, perTwoSeconds: 60, orderCount: 0,
      handle: (req) => {
        const instType = instTypeParam(req.query, false);
        if (instType !== undefined && instType !== 'SWAP') return ok([]);
        const instId = param(req.query, 'instId');
        const inst = instId === undefined ? undefined : (v.byInstId.get(instId) ?? reject(OKX_ERRORS.instrumentUnknown));
        const ordTypes = param(req.query, 'ordType')?.split(',');
        const state = param(req.query, 'state');
        const view = req.ctx.accountView();
        const rows = view
          .openOrders(inst?.spec.symbol)
          .filter((o) => v.bySymbol.has(o.symbol))
          .map((o) => renderEngineOrder(v, view, o, req.nowMs))
          .filter((r) => (ordTypes === undefined || ordTypes.includes(String(r['ordType']))) && (state === undefined || r['state'] === state));
        return ok(page(rows, (r) => BigInt(String(r['ordId'])), req.query, pageLimit(req.query)));
      },
    }),
    route({
      // "Get transaction details (last 3 months)": 10 requests per 2 s.
      method: 'GET', path: '/api/v5/trade/fills-history', group: 'account', signed: true, perTwoSeconds: 10, orderCount: 0,
      handle: (req) => {
        const instType = instTypeParam(req.query, true);
        const limit = pageLimit(req.query);
        if (instType !== 'SWAP') return ok([]);
        const instId = param(req.query, 'instId');
        const inst = instId === undefined ? undefined : (v.byInstId.get(instId) ?? reject(OKX_ERRORS.instrumentUnknown));
        const ordId = param(req.query, 'ordId');
        const engineOrderId = ordId === undefined ? undefined : engineOrderIdOf(ordId);
        const begin = intParam(req.query, 'begin');
        const end = intParam(req.query, 'end');
        const view = req.ctx.accountView();
        const fills: Fill[] = (inst === undefined ? v.instruments : [inst]).flatMap((i) => view.trades(i.spec.symbol));
        const wanted = fills.filter(
          (f) =>
            (ordId === undefined || f.orderId === engineOrderId) &&
            (begin === undefined || f.timeMs >= begin) &&
            (end === undefined || f.timeMs <= end),
        );
        const rows = page(wanted, (f) => BigInt(f.tradeId), mapBillCursors(req.query), limit);
        return ok(rows.map((f) => renderFill(f, instrumentOf(v, f.symbol), v.orderMeta.get(f.orderId))));
      },
    }),
    route({
      // "Place multiple orders": 300 orders per 2 s, but "when there is only one order sent to a
      // multiple order endpoint, the order will be counted as a single order and adopt the single
      // order rate limit" (60 per 2 s) — ccxt's createOrder always sends one.
      method: 'POST', path: '/api/v5/trade/batch-orders', group: 'order', signed: true, perTwoSeconds: 60, orderCount: 1,
      handle: (req) => {
        if (!Array.isArray(req.body)) return errorResponse(OKX_ERRORS.jsonSyntax);
        if (req.body.length === 0) return errorResponse(OKX_ERRORS.bodyEmpty);
        if (req.body.length > BATCH_ORDERS_MAX) return errorResponse(bulkTooLarge(BATCH_ORDERS_MAX));
        const items = req.body.map((raw) => placeItem(echoOf(raw), placeOne(raw, req, v), req.clockMs));
        return tradeResponse(items, true, req.clockMs);
      },
    }),
    route({
      method: 'POST', path: '/api/v5/trade/order', group: 'order', signed: true, perTwoSeconds: 60, orderCount: 1,
      handle: (req) => tradeResponse([placeItem(echoOf(req.body), placeOne(req.body, req, v), req.clockMs)], false, req.clockMs),
    }),
    route({
      method: 'POST', path: '/api/v5/trade/cancel-order', group: 'order', signed: true, perTwoSeconds: 60, orderCount: 0,
      handle: (req) => {
        const body = req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : reject(OKX_ERRORS.jsonSyntax);
        const instId = asText(body['instId']);
        if (instId === undefined || instId === '') return reject(paramEmpty('instId'));
        const inst = v.byInstId.get(instId) ?? reject(OKX_ERRORS.instrumentUnknown);
        const ordId = asText(body['ordId']) || undefined;
        const clOrdId = asText(body['clOrdId']) || undefined;
        if (ordId === undefined && clOrdId === undefined) return reject(OKX_ERRORS.cancelIdRequired);
        const echo = { clOrdId: clOrdId ?? '', ordId: ordId ?? '' };
        const failed = (): Response => {
          const e = OKX_ITEM_ERRORS.cancelFailed;
          return okxResponse({ code: '1', msg: '', data: [{ ...echo, sCode: e.sCode, sMsg: e.sMsg, ts: String(req.clockMs) }], ...gatewayTimes(req.clockMs) });
        };
        // Cancels act on the engine's truth, not on a lagging read.
        const found = findOrder(v, req.ctx.engine, inst, { ...(ordId !== undefined ? { ordId } : {}), ...(clOrdId !== undefined ? { clOrdId } : {}) });
        if (found === undefined || 'local' in found) return failed();
        const result = req.ctx.engine.cancelOrder({ symbol: inst.spec.symbol, orderId: found.order.orderId, nowMs: req.nowMs });
        if (!result.ok) return failed();
        const meta = v.orderMeta.get(result.value.orderId);
        const shownClOrdId = meta?.clOrdIdAssigned === true ? '' : result.value.clientOrderId;
        return ok([{ clOrdId: shownClOrdId, ordId: ordIdOf(result.value.orderId), sCode: '0', sMsg: '', ts: String(req.clockMs) }], req.clockMs);
      },
    }),
  ];
  return routes.map((r) => ({ ...r, handle: guarded(r.handle) }));
}

/** fills-history pages by `billId`; the engine's fills by trade id: translate the cursors. */
function mapBillCursors(q: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of ['after', 'before']) {
    const c = param(q, name);
    if (c === undefined) continue;
    if (!INTEGER.test(c)) reject(paramError(name));
    // A billId below this venue's first bill pages from before its first fill.
    out.set(name, String(engineTradeIdOfBill(c) ?? 0n));
  }
  return out;
}
