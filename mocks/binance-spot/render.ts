import * as d from '../binance/decimal.ts';
import type { AssetBalance, BookSnapshot, Fill, MarketSpec, Order, OrderStatus, Ticker } from '../../src/venue/types.ts';
import { exchangeInfoRateLimits } from './limits.ts';

/**
 * Response shapes of the Binance spot REST API (`/api/v3`), built from the venue engine's ground
 * truth. Spot pads every decimal to 8 places ("0.01000000"), as Binance does; values are exact
 * (padded, never rounded) except derived ratios.
 *
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/rest-api
 */

/** Spot's wire precision for prices, quantities and balances. */
const WIRE_DP = 8;
const p8 = (v: string | d.Dec): string => d.pad(v, WIRE_DP);

/** Largest accepted price; the engine's MarketSpec has no price band, so this is wide (Binance's BTCUSDT maxPrice). */
export const PRICE_MAX = '1000000';
/** Binance spot's per-symbol cap on open orders. */
export const MAX_NUM_ORDERS = 200;

export const RATE_LIMITS = exchangeInfoRateLimits();

function symbolInfo(spec: MarketSpec): Record<string, unknown> {
  return {
    symbol: spec.id,
    status: 'TRADING',
    baseAsset: spec.base,
    baseAssetPrecision: WIRE_DP,
    quoteAsset: spec.quote,
    quotePrecision: WIRE_DP,
    quoteAssetPrecision: WIRE_DP,
    baseCommissionPrecision: WIRE_DP,
    quoteCommissionPrecision: WIRE_DP,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    amendAllowed: false,
    pegInstructionsAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: p8(spec.priceTick), maxPrice: p8(PRICE_MAX), tickSize: p8(spec.priceTick) },
      { filterType: 'LOT_SIZE', minQty: p8(spec.qtyMin), maxQty: p8(spec.qtyMax), stepSize: p8(spec.qtyStep) },
      { filterType: 'MARKET_LOT_SIZE', minQty: p8(spec.qtyMin), maxQty: p8(spec.qtyMax), stepSize: p8(spec.qtyStep) },
      { filterType: 'NOTIONAL', minNotional: p8(spec.notionalMin), applyMinToMarket: true, maxNotional: p8('9000000'), applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: MAX_NUM_ORDERS },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'],
  };
}

/** GET /api/v3/exchangeInfo (spot markets of the engine only). */
export function renderExchangeInfo(markets: readonly MarketSpec[], nowMs: number): unknown {
  return { timezone: 'UTC', serverTime: nowMs, rateLimits: RATE_LIMITS, exchangeFilters: [], symbols: markets.map(symbolInfo) };
}

/** GET /sapi/v1/margin/isolated/allPairs: the venue offers no isolated margin (an empty list is a valid answer). */
export function renderIsolatedMarginPairs(): unknown {
  return [];
}

// ---------------------------------------------------------------------------------------------
// Market data

/** GET /api/v3/ticker/24hr (FULL). Trade ids/counts are not modelled (market trades are synthetic): 0. */
export function renderTicker24hr(spec: MarketSpec, t: Ticker): unknown {
  const change = d.sub(t.last, t.open);
  return {
    symbol: spec.id,
    priceChange: p8(change),
    priceChangePercent: d.toFixed(d.div(d.mul(change, '100'), t.open, 3), 3),
    weightedAvgPrice: d.isZero(t.volumeBase) ? p8(t.last) : d.toFixed(d.div(t.volumeQuote, t.volumeBase, WIRE_DP), WIRE_DP),
    prevClosePrice: p8(t.open),
    lastPrice: p8(t.last),
    lastQty: p8(spec.qtyMin),
    bidPrice: p8(t.bid),
    bidQty: p8(t.bidQty),
    askPrice: p8(t.ask),
    askQty: p8(t.askQty),
    openPrice: p8(t.open),
    highPrice: p8(t.high),
    lowPrice: p8(t.low),
    volume: p8(t.volumeBase),
    quoteVolume: p8(t.volumeQuote),
    openTime: t.timeMs - 86_400_000,
    closeTime: t.timeMs,
    firstId: 0,
    lastId: 0,
    count: 0,
  };
}

/** GET /api/v3/depth. Spot sends no event/transaction time; `lastUpdateId` grows with virtual time. */
export function renderDepth(book: BookSnapshot): unknown {
  const level = ([p, q]: [string, string]): [string, string] => [p8(p), p8(q)];
  return { lastUpdateId: book.timeMs, bids: book.bids.map(level), asks: book.asks.map(level) };
}

// ---------------------------------------------------------------------------------------------
// Orders and trades

const ORDER_STATUS: Record<OrderStatus, string> = {
  new: 'NEW',
  partiallyFilled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

/** The spot order type of an engine order (post-only limit orders are LIMIT_MAKER on spot). */
function orderType(o: Order): string {
  if (o.type === 'market') return 'MARKET';
  return o.timeInForce === 'GTX' ? 'LIMIT_MAKER' : 'LIMIT';
}

function common(o: Order): Record<string, unknown> {
  return {
    price: p8(o.price ?? '0'),
    origQty: p8(o.qty),
    executedQty: p8(o.filledQty),
    origQuoteOrderQty: p8('0'),
    cummulativeQuoteQty: p8(o.cumQuote),
    status: ORDER_STATUS[o.status],
    // LIMIT_MAKER and MARKET orders echo GTC, as Binance does.
    timeInForce: o.type === 'limit' && o.timeInForce !== 'GTX' ? o.timeInForce : 'GTC',
    type: orderType(o),
    side: o.side === 'buy' ? 'BUY' : 'SELL',
  };
}

/**
 * `POST /api/v3/order` answers: `ack` (newOrderRespType=ACK), `result` (RESULT), `full` (FULL:
 * RESULT plus this order's fills; ccxt's choice for MARKET and LIMIT orders).
 */
export function renderNewOrder(o: Order, spec: MarketSpec, shape: 'ack' | 'result' | 'full', fills: readonly Fill[]): Record<string, unknown> {
  const head = { symbol: spec.id, orderId: Number(o.orderId), orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.createdMs };
  if (shape === 'ack') return head;
  const body: Record<string, unknown> = { ...head, ...common(o), workingTime: o.createdMs, selfTradePreventionMode: 'EXPIRE_MAKER' };
  if (shape === 'full') {
    body['fills'] = fills.map((f) => ({ price: p8(f.price), qty: p8(f.qty), commission: p8(f.fee), commissionAsset: f.feeAsset, tradeId: Number(f.tradeId) }));
  }
  return body;
}

/** `GET /api/v3/order` and `/api/v3/openOrders` entries. */
export function renderQueriedOrder(o: Order, spec: MarketSpec): Record<string, unknown> {
  return {
    symbol: spec.id,
    orderId: Number(o.orderId),
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    ...common(o),
    stopPrice: p8('0'),
    icebergQty: p8('0'),
    time: o.createdMs,
    updateTime: o.updatedMs,
    isWorking: true,
    workingTime: o.createdMs,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** `DELETE /api/v3/order`: `clientOrderId` names the cancel request, `origClientOrderId` the order. */
export function renderCanceledOrder(o: Order, spec: MarketSpec, cancelClientOrderId: string, nowMs: number): Record<string, unknown> {
  return {
    symbol: spec.id,
    origClientOrderId: o.clientOrderId,
    orderId: Number(o.orderId),
    orderListId: -1,
    clientOrderId: cancelClientOrderId,
    transactTime: nowMs,
    ...common(o),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** `GET /api/v3/myTrades` entry. */
export function renderMyTrade(f: Fill, spec: MarketSpec): Record<string, unknown> {
  return {
    symbol: spec.id,
    id: Number(f.tradeId),
    orderId: Number(f.orderId),
    orderListId: -1,
    price: p8(f.price),
    qty: p8(f.qty),
    quoteQty: p8(f.quoteQty),
    commission: p8(f.fee),
    commissionAsset: f.feeAsset,
    time: f.timeMs,
    isBuyer: f.side === 'buy',
    isMaker: f.maker,
    isBestMatch: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Account

/**
 * `GET /api/v3/account`: one row per asset, `free` = available, `locked` = reserved by open
 * orders. The commission fields advertise Binance's VIP0 spot rate (10 bps); the engine's own fee
 * configuration decides what fills really charge.
 */
export function renderAccount(balances: readonly AssetBalance[], nowMs: number): unknown {
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: nowMs,
    accountType: 'SPOT',
    balances: balances.map((b) => ({ asset: b.asset, free: p8(b.available), locked: p8(b.locked) })),
    permissions: ['SPOT'],
    uid: 354937868,
  };
}
