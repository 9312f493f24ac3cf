import type { MaintenanceNotice } from '../types.ts';
import type { AssetBalance, BookSnapshot, Fill, MarketSpec, Order, Ticker } from '../../src/venue/types.ts';
import * as d from './format.ts';
import { krakenAsset, krakenPair, txidOf, type KrakenAsset } from './ids.ts';

/**
 * Response shapes of Kraken's spot REST API (`result` of the `{"error":[],"result":…}` envelope),
 * built from the venue engine's ground truth. Field names and spellings follow Kraken's docs and
 * the recorded real answers in ccxt's static tests (test/compliance/fixtures/kraken-responses.json).
 *
 * Docs: https://docs.kraken.com/api/docs/rest-api/get-server-time (and the sibling pages).
 */

/** Kraken Pro's published spot fee schedule (30-day volume in USD → % fee), first tiers. */
const FEES_TAKER: Array<[number, number]> = [[0, 0.4], [10000, 0.35], [50000, 0.24], [100000, 0.22], [250000, 0.2], [500000, 0.18], [1000000, 0.16], [2500000, 0.14], [5000000, 0.12], [10000000, 0.1]];
const FEES_MAKER: Array<[number, number]> = [[0, 0.25], [10000, 0.2], [50000, 0.14], [100000, 0.12], [250000, 0.1], [500000, 0.08], [1000000, 0.06], [2500000, 0.04], [5000000, 0.02], [10000000, 0]];

/** Decimals Kraken prints quote amounts (cost, fee) in for a pair. */
export const costDecimals = (spec: MarketSpec): number => Math.max(5, d.places(spec.priceTick));
export const priceDecimals = (spec: MarketSpec): number => d.places(spec.priceTick);
export const lotDecimals = (spec: MarketSpec): number => d.places(spec.qtyStep);

// ---------------------------------------------------------------------------------------------
// Reference data

/** GET /0/public/Time. */
export function renderTime(clockMs: number): Record<string, unknown> {
  const s = Math.floor(clockMs / 1000);
  // RFC 1123 as Kraken spells it: "Sun,  7 Jun 20 04:07:53 +0000" (two-digit year, space-padded day).
  const dt = new Date(s * 1000);
  const day = String(dt.getUTCDate()).padStart(2, ' ');
  const [wd, , mon] = dt.toUTCString().split(' ');
  const hms = dt.toISOString().slice(11, 19);
  return { unixtime: s, rfc1123: `${wd} ${day} ${mon} ${String(dt.getUTCFullYear()).slice(2)} ${hms} +0000` };
}

/** GET /0/public/Assets entry. */
export function renderAsset(a: KrakenAsset): Record<string, unknown> {
  return { aclass: 'currency', altname: a.altname, decimals: a.decimals, display_decimals: a.displayDecimals, collateral_value: 1, status: 'enabled' };
}

/**
 * GET /0/public/AssetPairs entry. Margin is not modelled: `leverage_buy`/`leverage_sell` are
 * empty (ccxt then marks the market `margin: false`). No maximum order size exists on Kraken.
 */
export function renderAssetPair(spec: MarketSpec): Record<string, unknown> {
  const p = krakenPair(spec);
  return {
    altname: p.altname,
    wsname: p.wsname,
    aclass_base: 'currency',
    base: p.base.id,
    aclass_quote: 'currency',
    quote: p.quote.id,
    lot: 'unit',
    cost_decimals: costDecimals(spec),
    pair_decimals: priceDecimals(spec),
    lot_decimals: lotDecimals(spec),
    lot_multiplier: 1,
    leverage_buy: [],
    leverage_sell: [],
    fees: FEES_TAKER,
    fees_maker: FEES_MAKER,
    fee_volume_currency: 'ZUSD',
    margin_call: 80,
    margin_stop: 40,
    ordermin: spec.qtyMin,
    costmin: spec.notionalMin,
    tick_size: spec.priceTick,
    status: 'online',
  };
}

// ---------------------------------------------------------------------------------------------
// Status

/**
 * GET /0/public/SystemStatus. `status` is the trading engine's mode; `upcoming_maintenance`
 * lists scheduled windows (Kraken: "scheduled events that are within 72 hours. An event is
 * removed once its maintenance window starts"), `emergency` is empty (no status-page incidents).
 * The entry fields are the Statuspage fields Kraken's status page publishes (id, name, status,
 * impact, scheduled_for, scheduled_until) plus the window in epoch ms — the docs give no entry
 * schema (README).
 */
export function renderSystemStatus(o: { status: string; clockMs: number; notices: readonly MaintenanceNotice[] }): Record<string, unknown> {
  return {
    status: o.status,
    timestamp: new Date(Math.floor(o.clockMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    upcoming_maintenance: o.notices.filter((n) => n.state === 'scheduled').map(renderMaintenanceNotice),
    emergency: [],
  };
}

const PHASE_NAMES: Record<MaintenanceNotice['phase'], string> = {
  full: 'Scheduled maintenance: trading and funding unavailable',
  cancelOnly: 'Scheduled maintenance: cancel-only mode',
  postOnly: 'Scheduled maintenance: post-only mode',
  reduceOnly: 'Scheduled maintenance: cancel-only mode',
};

function renderMaintenanceNotice(n: MaintenanceNotice): Record<string, unknown> {
  return {
    id: n.id,
    name: PHASE_NAMES[n.phase],
    status: 'scheduled',
    impact: n.phase === 'full' ? 'major' : 'minor',
    scheduled_for: new Date(n.startMs).toISOString(),
    scheduled_until: new Date(n.endMs).toISOString(),
    scheduled_for_ms: n.startMs,
    scheduled_until_ms: n.endMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Market data

const PRICE_DP = 5;
const VOLUME_DP = 8;

/**
 * GET /0/public/Ticker entry. Kraken's ticker has no time (ccxt's `timestamp` is undefined, as in
 * production). "Today" and "last 24 h" both show the engine's 24 h stats; trade counts are 0
 * (the engine keeps no public tape).
 */
export function renderTicker(spec: MarketSpec, t: Ticker): Record<string, unknown> {
  const volume = d.parse(t.volumeBase);
  const vwap = volume === d.ZERO ? d.parse(t.last) : d.ratio(d.parse(t.volumeQuote), volume);
  const lot = (q: string): string => String(d.parse(q) / 10n ** 12n);
  return {
    a: [d.fixed(t.ask, PRICE_DP), lot(t.askQty), d.fixed(t.askQty, 3)],
    b: [d.fixed(t.bid, PRICE_DP), lot(t.bidQty), d.fixed(t.bidQty, 3)],
    c: [d.fixed(t.last, PRICE_DP), d.fixed('0', VOLUME_DP)],
    v: [d.fixed(t.volumeBase, VOLUME_DP), d.fixed(t.volumeBase, VOLUME_DP)],
    p: [d.fixed(vwap, PRICE_DP), d.fixed(vwap, PRICE_DP)],
    t: [0, 0],
    l: [d.fixed(t.low, PRICE_DP), d.fixed(t.low, PRICE_DP)],
    h: [d.fixed(t.high, PRICE_DP), d.fixed(t.high, PRICE_DP)],
    o: d.fixed(t.open, PRICE_DP),
  };
}

/** GET /0/public/Depth entry: [price, volume, timestamp (s)] per level, best first. */
export function renderDepth(spec: MarketSpec, book: BookSnapshot): Record<string, unknown> {
  const ts = Math.floor(book.timeMs / 1000);
  const level = ([p, q]: [string, string]): [string, string, number] => [d.fixed(p, priceDecimals(spec)), d.fixed(q, 3), ts];
  return { asks: book.asks.map(level), bids: book.bids.map(level) };
}

// ---------------------------------------------------------------------------------------------
// Account

/** POST /0/private/BalanceEx entry: balance and what open orders hold, in the asset's decimals. */
export function renderBalanceEx(b: AssetBalance): [string, Record<string, string>] {
  const a = krakenAsset(b.asset);
  return [a.id, { balance: d.fixed(b.wallet, a.decimals), credit: d.fixed('0', 4), credit_used: d.fixed('0', 4), hold_trade: d.fixed(b.locked, a.decimals) }];
}

/** Kraken's order status: pending/open/closed/canceled/expired. */
function orderStatusOf(o: Order): string {
  switch (o.status) {
    case 'new':
    case 'partiallyFilled':
      return 'open';
    case 'filled':
      return 'closed';
    case 'canceled':
    case 'rejected':
      return 'canceled';
    case 'expired':
      // An IOC remainder: Kraken closes the order with what filled, or cancels it if nothing did.
      return d.parse(o.filledQty) > d.ZERO ? 'closed' : 'canceled';
  }
}

/** The human description Kraken puts in `descr.order`: "buy 0.01000000 XBTUSD @ limit 55000.0". */
export function orderDescription(spec: MarketSpec, o: { side: string; qty: string; type: string; price?: string | undefined }): string {
  const p = krakenPair(spec);
  const at = o.type === 'limit' && o.price !== undefined ? `limit ${d.fixed(o.price, priceDecimals(spec))}` : 'market';
  return `${o.side} ${d.fixed(o.qty, VOLUME_DP)} ${p.altname} @ ${at}`;
}

/**
 * One order as QueryOrders / OpenOrders show it. `userref` is the client's integer tag (0 when
 * none, null when the order has a `cl_ord_id`), `oflags` always has `fciq` (fees in quote, the
 * venue's `spotFeeAsset`) and `post` for post-only orders. `trades` only when asked for.
 */
export function renderOrder(o: { order: Order; spec: MarketSpec; clOrdId: string | undefined; userref: number | undefined; fills: readonly Fill[]; withTrades: boolean }): Record<string, unknown> {
  const { order, spec } = o;
  const cd = costDecimals(spec);
  const fee = d.sum(o.fills.map((f) => f.fee));
  const status = orderStatusOf(order);
  const finished = status !== 'open';
  const filled = d.parse(order.filledQty) > d.ZERO;
  return {
    refid: null,
    userref: o.clOrdId !== undefined ? null : (o.userref ?? 0),
    ...(o.clOrdId !== undefined ? { cl_ord_id: o.clOrdId } : {}),
    status,
    reason: status === 'canceled' ? (order.status === 'expired' ? 'Insufficient liquidity' : 'User requested') : null,
    opentm: d.seconds(order.createdMs),
    ...(finished ? { closetm: d.seconds(order.updatedMs) } : {}),
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: krakenPair(spec).altname,
      type: order.side,
      ordertype: order.type,
      price: order.type === 'limit' && order.price !== undefined ? d.fixed(order.price, priceDecimals(spec)) : '0',
      price2: '0',
      leverage: 'none',
      order: orderDescription(spec, order),
      close: '',
    },
    vol: d.fixed(order.qty, VOLUME_DP),
    vol_exec: d.fixed(order.filledQty, VOLUME_DP),
    cost: d.fixed(order.cumQuote, cd),
    fee: d.fixed(fee, cd),
    price: d.fixed(filled ? order.avgPrice : '0', cd),
    stopprice: d.fixed('0', cd),
    limitprice: d.fixed('0', cd),
    misc: '',
    oflags: order.timeInForce === 'GTX' ? 'post,fciq' : 'fciq',
    ...(o.withTrades && o.fills.length > 0 ? { trades: o.fills.map((f) => txidOf('T', f.tradeId)) } : {}),
  };
}

/** POST /0/private/TradesHistory entry (keyed by the trade's txid). `pair` is the pair id ("XXBTZUSD"). */
export function renderTrade(o: { fill: Fill; spec: MarketSpec; order: Order | undefined }): Record<string, unknown> {
  const { fill, spec } = o;
  const cd = costDecimals(spec);
  return {
    ordertxid: txidOf('O', fill.orderId),
    postxid: txidOf('T', String(BigInt(fill.tradeId) + 1_000_000n)),
    pair: krakenPair(spec).id,
    time: d.seconds(fill.timeMs),
    type: fill.side,
    ordertype: o.order?.type ?? 'market',
    price: d.fixed(fill.price, cd),
    cost: d.fixed(fill.quoteQty, cd),
    fee: d.fixed(fill.fee, cd),
    vol: d.fixed(fill.qty, VOLUME_DP),
    margin: d.fixed('0', cd),
    leverage: '0',
    misc: '',
    trade_id: Number(fill.tradeId),
    maker: fill.maker,
  };
}
