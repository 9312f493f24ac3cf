import { describe, expect, test } from 'vitest';
import { DEFAULT_MARKETS, marketSpec } from '../../../src/market/markets.ts';

describe('default markets', () => {
  test('list BTC and ETH linear perpetuals with Binance USDⓈ-M filters', () => {
    expect(marketSpec('BTC/USDT:USDT')).toEqual({
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
    });
    expect(marketSpec('ETHUSDT')).toMatchObject({ symbol: 'ETH/USDT:USDT', base: 'ETH', qtyStep: '0.001', priceTick: '0.01', notionalMin: '20' });
    expect(marketSpec('DOGE/USDT:USDT')).toBeUndefined();
  });

  test('cannot be changed by one user for everyone', () => {
    expect(Object.isFrozen(DEFAULT_MARKETS)).toBe(true);
    expect(DEFAULT_MARKETS.every((m) => Object.isFrozen(m))).toBe(true);
  });
});
