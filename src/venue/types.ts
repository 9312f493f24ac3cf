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
 * - Two kinds of market: linear perpetuals (positions, margin) and spot (balances only). A spot
 *   trade moves **balances**, never a position: a desk's coins are its `balances`, and a spot
 *   market never appears in `positions()`.
 */

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';
export type OrderStatus = 'new' | 'partiallyFilled' | 'filled' | 'canceled' | 'rejected' | 'expired';

/**
 * What a market is:
 * - `linearPerp`: a linear perpetual margined and settled in `settle` (USDT); trades open and
 *   close positions, PnL and fees go to the settle asset's wallet.
 * - `spot`: an exchange of `base` for `quote`; trades move both balances, there is no position,
 *   no leverage and no margin.
 */
export type MarketKind = 'linearPerp' | 'spot';

/** A tradable instrument on a venue: a linear perpetual or a spot pair (see {@link MarketKind}). */
export interface MarketSpec {
  /** Unified symbol, e.g. "BTC/USDT:USDT" (perp) or "BTC/USDT" (spot). */
  symbol: string;
  /**
   * Exchange-native id, e.g. "BTCUSDT". A perp and a spot market may share an id (Binance lists
   * both as "BTCUSDT" on different hosts); in one engine the perp keeps the id and the spot market
   * is reached by its unified symbol.
   */
  id: string;
  base: string;
  quote: string;
  /**
   * The asset PnL, fees and margin are booked in. For `spot` it must equal `quote` (the engine
   * refuses anything else): it stays a required string so every reader of `settle` keeps working,
   * and a spot market never margins anything in it.
   */
  settle: string;
  kind: MarketKind;
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
  /**
   * Starting wallet balances by asset, decimal strings, e.g. { USDT: "250000" }. Coins held for
   * spot trading are balances too: { BTC: "2", USDT: "10000" }.
   */
  balances: Record<string, string>;
  /** Starting positions (signed base size) at the starting mid price. Perpetuals only. */
  positions?: Array<{ symbol: string; size: string }>;
  /**
   * Fees in basis points of notional, for every market of the venue. Defaults: taker 4, maker 2
   * (Binance USDⓈ-M VIP0). A spot venue passes its spot schedule (Binance spot VIP0 10 / 10,
   * Kraken Pro's first tier 40 / 25).
   */
  feeTakerBps?: number;
  feeMakerBps?: number;
  /**
   * Which asset a spot fill's fee is charged in (a sell always pays in quote: it is both):
   * - `'received'` (default, Binance spot): the asset the fill brings in — a buy pays in base
   *   (buying 1 BTC credits 1 BTC − fee), a sell in quote (proceeds − fee).
   * - `'quote'` (Kraken's default): always the quote asset — a buy costs price × qty + fee.
   */
  spotFeeAsset?: 'received' | 'quote';
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
  /** Perp: the settle asset. Spot: the quote asset, or base for a buy under `spotFeeAsset: 'received'`. */
  feeAsset: string;
  maker: boolean;
  /** Realized PnL of this fill (closing part), in quote. Always "0" on spot. */
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

/**
 * One asset of the account. The same row serves a perp margin asset (USDT on a USDⓈ-M venue) and
 * a spot asset (BTC, USD on a spot venue); an asset can be both when one engine lists perps and
 * spot markets quoted in it (a unified account).
 *
 * For an asset no perp settles in, `unrealizedPnl`, `initialMargin` and `maintenanceMargin` are
 * "0", so `marginBalance` = `wallet` and `available` = `wallet` − `locked` (never negative).
 */
export interface AssetBalance {
  asset: string;
  /** Total held: deposits + realized PnL − fees ± spot trades. */
  wallet: string;
  unrealizedPnl: string;
  /** wallet + unrealizedPnl */
  marginBalance: string;
  /** Initial margin of perp positions + open perp orders. */
  initialMargin: string;
  maintenanceMargin: string;
  /**
   * In use, not free to spend: `initialMargin` (perps) + what open spot orders reserve in this
   * asset (a buy reserves quote, a sell base; see the engine). For a spot-only asset this is the
   * spot reservation alone and never exceeds `wallet`; for a margin asset it can, since margin is
   * backed by `marginBalance`, not by `wallet`.
   */
  locked: string;
  /** marginBalance − locked, floored at 0 (with no spot orders: marginBalance − initialMargin, as before). */
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
  | 'orderNotCancelable'
  /** Spot: the free balance of the asset the order spends (quote to buy, base to sell) does not cover it. */
  | 'insufficientBalance'
  /** Spot: reduce-only was asked on a market that has no position to reduce. */
  | 'reduceOnlyNotSupported';

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

/**
 * What changed inside the engine; the simulator records these in the trace as ground truth.
 *
 * `balance` is emitted for spot activity only (a spot fill, or a spot order reserving or
 * releasing funds), once per asset touched, after the operation's order and fill events. Perp
 * balance changes are still told by `position` events (their sequence is unchanged), so a reader
 * of the past takes a balance snapshot on either.
 *
 * `margin` samples one margin asset's row (the asset a perp settles in), last in an operation:
 * after every operation that changed that asset's account, and at a tick when its margin use
 * (`initialMargin` ÷ `marginBalance`) is a new peak since then. A liquidation is preceded by one
 * more, of the state that triggered it, before its events. See the engine's model; margin use
 * over time is read from these.
 */
export type VenueEvent =
  | { type: 'order'; order: Order }
  | { type: 'fill'; fill: Fill }
  | { type: 'position'; position: Position }
  | { type: 'balance'; balance: AssetBalance }
  | { type: 'margin'; balance: AssetBalance }
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
  /** Perp positions, one row per perp market (flat ones included); spot markets never appear. */
  positions(nowMs: number): Position[];
  /** Every asset held or used by a market, sorted by asset. */
  balances(nowMs: number): AssetBalance[];
  book(symbol: string, nowMs: number, depth: number): BookSnapshot;
  ticker(symbol: string, nowMs: number): Ticker;
  /** Advance the engine to nowMs: match resting limit orders against the moved price, check liquidation. */
  tick(nowMs: number): void;
  /** Subscribe to ground-truth changes. Returns an unsubscribe function. */
  onEvent(listener: (event: VenueEvent) => void): () => void;
}
