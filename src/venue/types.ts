/**
 * The exchange-agnostic venue engine's public contract. Dialects (mocks/<exchange>/) translate
 * REST requests into these calls and render the results in the exchange's own shapes.
 *
 * Conventions:
 * - Every quantity and price crossing this boundary is a decimal **string** (e.g. "0.001",
 *   "60000.1"), exact; the engine stores them as scaled integers (bigint) so positions never drift.
 * - Time is passed in (`nowMs`, virtual epoch ms); the engine never reads a clock.
 * - Signed sizes: positive = long, negative = short.
 * - Pure: no I/O, no msw, no node:* imports.
 */

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';
export type OrderStatus = 'new' | 'partiallyFilled' | 'filled' | 'canceled' | 'rejected' | 'expired';

/** A tradable instrument on a venue (linear USDT-margined perpetual at this stage). */
export interface MarketSpec {
  /** Unified symbol, e.g. "BTC/USDT:USDT". */
  symbol: string;
  /** Exchange-native id, e.g. "BTCUSDT". */
  id: string;
  base: string;
  quote: string;
  settle: string;
  kind: 'linearPerp';
  /** Quantity step, e.g. "0.001". Also the minimum quantity unless `qtyMin` says otherwise. */
  qtyStep: string;
  qtyMin: string;
  qtyMax: string;
  /** Price tick, e.g. "0.1". */
  priceTick: string;
  /** Minimum order notional in quote, e.g. "100". */
  notionalMin: string;
}

export interface VenueEngineOptions {
  venueId: string;
  markets: MarketSpec[];
  /** Starting wallet balances by asset, decimal strings, e.g. { USDT: "250000" }. */
  balances: Record<string, string>;
  /** Starting positions (signed base size) at the starting mid price. */
  positions?: Array<{ symbol: string; size: string }>;
  /** Fees in basis points of notional. Defaults: taker 4, maker 2 (Binance USDⓈ-M VIP0). */
  feeTakerBps?: number;
  feeMakerBps?: number;
  /** Leverage used for initial margin (initialMargin = notional / leverage). Default 10. */
  leverage?: number;
  /** Maintenance margin rate. Default 0.004 (0.4%). */
  maintenanceMarginRate?: number;
  /** The venue's fair mid price for a symbol at a virtual time (from src/market/). */
  midPrice: (symbol: string, nowMs: number) => number;
  /**
   * Where a client order id must be unique. 'open' (default) is Binance USDⓈ-M's documented rule
   * ("a unique id among open orders"): once an order is finished its id can be sent again and
   * trades again — exactly the trap a policy that retries a lost acknowledgement with the same id
   * falls into in production, so the testbed keeps it. 'all' refuses any reuse (stricter venues).
   */
  clientOrderIdScope?: 'open' | 'all';
  /** Synthetic book shape. Defaults: spreadBps 1, levels 20, level qty "2" base, level step 1 bps. */
  book?: { spreadBps?: number; levels?: number; levelQty?: string; levelStepBps?: number };
}

export interface Order {
  /** Venue-assigned order id, increasing integer as a string ("1", "2", …) per venue. */
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  reduceOnly: boolean;
  /** Limit price (undefined for market orders). */
  price?: string;
  qty: string;
  filledQty: string;
  /** Volume-weighted average fill price, "0" when nothing filled. */
  avgPrice: string;
  /** Quote notional filled (sum of fill price × qty). */
  cumQuote: string;
  status: OrderStatus;
  createdMs: number;
  updatedMs: number;
}

export interface Fill {
  /** Venue-assigned trade id, increasing integer as a string per venue. */
  tradeId: string;
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  price: string;
  qty: string;
  quoteQty: string;
  fee: string;
  feeAsset: string;
  maker: boolean;
  /** Realized PnL of this fill (closing part), in quote. */
  realizedPnl: string;
  timeMs: number;
}

export interface Position {
  symbol: string;
  /** Signed base size; "0" when flat (flat positions are still listed for known symbols). */
  size: string;
  entryPrice: string;
  markPrice: string;
  unrealizedPnl: string;
  notional: string;
  initialMargin: string;
  maintenanceMargin: string;
  liquidationPrice: string;
  leverage: number;
  updatedMs: number;
}

export interface AssetBalance {
  asset: string;
  /** Deposits + realized PnL − fees. */
  wallet: string;
  unrealizedPnl: string;
  /** wallet + unrealizedPnl */
  marginBalance: string;
  /** Initial margin of positions + open orders. */
  initialMargin: string;
  maintenanceMargin: string;
  /** marginBalance − initialMargin, floored at 0. */
  available: string;
  updatedMs: number;
}

export interface BookSnapshot {
  symbol: string;
  /** Best first. [price, qty] decimal strings. */
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
  timeMs: number;
}

export interface Ticker {
  symbol: string;
  last: string;
  bid: string;
  ask: string;
  bidQty: string;
  askQty: string;
  /** 24 h window stats, derived from the price path. */
  open: string;
  high: string;
  low: string;
  volumeBase: string;
  volumeQuote: string;
  timeMs: number;
}

export type VenueRejection =
  | 'unknownSymbol'
  | 'duplicateClientOrderId'
  | 'invalidQuantity'
  | 'invalidPrice'
  | 'notionalTooSmall'
  | 'insufficientMargin'
  | 'reduceOnlyRejected'
  | 'postOnlyWouldTake'
  | 'orderNotFound'
  | 'orderNotCancelable';

export type VenueResult<T> = { ok: true; value: T } | { ok: false; reason: VenueRejection; message: string };

export interface PlaceOrderRequest {
  symbol: string;
  side: Side;
  type: OrderType;
  qty: string;
  price?: string;
  timeInForce?: TimeInForce;
  reduceOnly?: boolean;
  clientOrderId: string;
  nowMs: number;
}

export interface OrderRef {
  symbol: string;
  orderId?: string;
  clientOrderId?: string;
}

/** What changed inside the engine; the simulator records these in the trace as ground truth. */
export type VenueEvent =
  | { type: 'order'; order: Order }
  | { type: 'fill'; fill: Fill }
  | { type: 'position'; position: Position }
  | { type: 'liquidation'; symbol: string; size: string; price: string; timeMs: number };

export interface VenueEngine {
  readonly venueId: string;
  readonly markets: readonly MarketSpec[];
  market(symbolOrId: string): MarketSpec | undefined;
  placeOrder(req: PlaceOrderRequest): VenueResult<Order>;
  cancelOrder(ref: OrderRef & { nowMs: number }): VenueResult<Order>;
  getOrder(ref: OrderRef): Order | undefined;
  openOrders(symbol?: string): Order[];
  /** Fills for a symbol, oldest first. */
  trades(symbol: string, opts?: { sinceMs?: number; limit?: number; orderId?: string }): Fill[];
  positions(nowMs: number): Position[];
  balances(nowMs: number): AssetBalance[];
  book(symbol: string, nowMs: number, depth: number): BookSnapshot;
  ticker(symbol: string, nowMs: number): Ticker;
  /** Advance the engine to nowMs: match resting limit orders against the moved price, check liquidation. */
  tick(nowMs: number): void;
  /** Subscribe to ground-truth changes. Returns an unsubscribe function. */
  onEvent(listener: (event: VenueEvent) => void): () => void;
}
