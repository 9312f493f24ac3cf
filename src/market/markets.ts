import type { MarketSpec } from '../venue/types.ts';

/**
 * The markets every venue lists by default: linear USDT-margined perpetuals. Filters follow
 * Binance USDⓈ-M's published ones for these contracts (LOT_SIZE step 0.001, PRICE_FILTER tick
 * 0.1 / 0.01, MIN_NOTIONAL 100 / 20). Frozen: a scenario that needs other filters builds its own
 * spec (`{ ...marketSpec('BTCUSDT'), notionalMin: '5' }`) instead of changing everyone's.
 */
export const DEFAULT_MARKETS: readonly MarketSpec[] = Object.freeze([
  Object.freeze<MarketSpec>({
    symbol: 'BTC/USDT:USDT',
    id: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    settle: 'USDT',
    kind: 'linearPerp',
    qtyStep: '0.001',
    qtyMin: '0.001',
    qtyMax: '1000',
    priceTick: '0.1',
    notionalMin: '100',
  }),
  Object.freeze<MarketSpec>({
    symbol: 'ETH/USDT:USDT',
    id: 'ETHUSDT',
    base: 'ETH',
    quote: 'USDT',
    settle: 'USDT',
    kind: 'linearPerp',
    qtyStep: '0.001',
    qtyMin: '0.001',
    qtyMax: '10000',
    priceTick: '0.01',
    notionalMin: '20',
  }),
]);

/** The default market spec for a unified symbol ("BTC/USDT:USDT") or exchange id ("BTCUSDT"), or undefined. */
export function marketSpec(symbolOrId: string): MarketSpec | undefined {
  return DEFAULT_MARKETS.find((m) => m.symbol === symbolOrId || m.id === symbolOrId);
}

/**
 * Spot pairs a venue can list: BTC and ETH against USDT (Binance spot's filters: LOT_SIZE step
 * 0.00001 / 0.0001, PRICE_FILTER tick 0.01, NOTIONAL min 5) and against USD (Kraken's: lot
 * decimals 8, pair decimals 1 / 2, `ordermin` 0.00005 BTC / 0.002 ETH, `costmin` 0.5 USD).
 * Kraken publishes no maximum order size; 1000 BTC / 10000 ETH stand in for one. Re-check the
 * filters against the exchanges before relying on them.
 *
 * Engine ids are the plain concatenation ("BTCUSDT", "BTCUSD"); exchange spellings such as
 * Kraken's "XBTUSD" / "XXBTZUSD" belong to the dialect. "BTCUSDT" is also the perpetual's id in
 * {@link DEFAULT_MARKETS}: an engine listing both keeps the id for the perp, and the spot market
 * is reached by its unified symbol ("BTC/USDT"). A spot market's `settle` is its quote. Frozen,
 * like {@link DEFAULT_MARKETS}.
 */
export const DEFAULT_SPOT_MARKETS: readonly MarketSpec[] = Object.freeze([
  Object.freeze<MarketSpec>({
    symbol: 'BTC/USDT',
    id: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    settle: 'USDT',
    kind: 'spot',
    qtyStep: '0.00001',
    qtyMin: '0.00001',
    qtyMax: '9000',
    priceTick: '0.01',
    notionalMin: '5',
  }),
  Object.freeze<MarketSpec>({
    symbol: 'ETH/USDT',
    id: 'ETHUSDT',
    base: 'ETH',
    quote: 'USDT',
    settle: 'USDT',
    kind: 'spot',
    qtyStep: '0.0001',
    qtyMin: '0.0001',
    qtyMax: '9000',
    priceTick: '0.01',
    notionalMin: '5',
  }),
  Object.freeze<MarketSpec>({
    symbol: 'BTC/USD',
    id: 'BTCUSD',
    base: 'BTC',
    quote: 'USD',
    settle: 'USD',
    kind: 'spot',
    qtyStep: '0.00000001',
    qtyMin: '0.00005',
    qtyMax: '1000',
    priceTick: '0.1',
    notionalMin: '0.5',
  }),
  Object.freeze<MarketSpec>({
    symbol: 'ETH/USD',
    id: 'ETHUSD',
    base: 'ETH',
    quote: 'USD',
    settle: 'USD',
    kind: 'spot',
    qtyStep: '0.00000001',
    qtyMin: '0.002',
    qtyMax: '10000',
    priceTick: '0.01',
    notionalMin: '0.5',
  }),
]);

/**
 * The default spot market spec for a unified symbol ("BTC/USD") or engine id ("BTCUSD"), or
 * undefined. Looks in {@link DEFAULT_SPOT_MARKETS} only, so "BTCUSDT" here is the spot pair.
 */
export function spotMarketSpec(symbolOrId: string): MarketSpec | undefined {
  return DEFAULT_SPOT_MARKETS.find((m) => m.symbol === symbolOrId || m.id === symbolOrId);
}
