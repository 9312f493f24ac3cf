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
