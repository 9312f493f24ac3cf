import { DEFAULT_MARKETS, DEFAULT_SPOT_MARKETS } from '../../../src/market/markets.ts';
import { createVenueEngine } from '../../../src/venue/engine.ts';
import type { MarketSpec, Order, PlaceOrderRequest, VenueEngine, VenueEngineOptions, VenueEvent } from '../../../src/venue/types.ts';

export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';

/** An engine whose mid is whatever the test sets, recording every event it emits. */
export interface TestVenue {
  engine: VenueEngine;
  events: VenueEvent[];
  setMid(price: number, symbol?: string): void;
  /** Places an order and fails the test with the rejection if it is refused. */
  place(req: Partial<PlaceOrderRequest> & Pick<PlaceOrderRequest, 'side' | 'qty'>): Order;
  position(symbol?: string): ReturnType<VenueEngine['positions']>[number];
  usdt(): ReturnType<VenueEngine['balances']>[number];
  now: number;
}

let clientIds = 0;

export function testVenue(opts: Partial<Omit<VenueEngineOptions, 'midPrice'>> & { markets?: MarketSpec[] } = {}): TestVenue {
  const mids = new Map<string, number>([
    [BTC, 60000],
    [ETH, 3000],
  ]);
  const engine = createVenueEngine({
    ...opts,
    venueId: opts.venueId ?? 'test',
    markets: opts.markets ?? [...DEFAULT_MARKETS],
    balances: opts.balances ?? { USDT: '1000000' },
    midPrice: (symbol) => {
      const m = mids.get(symbol);
      if (m === undefined) throw new Error(`no mid for ${symbol}`);
      return m;
    },
  });
  const events: VenueEvent[] = [];
  engine.onEvent((e) => events.push(e));
  const venue: TestVenue = {
    engine,
    events,
    now: 1000,
    setMid(price, symbol = BTC) {
      mids.set(symbol, price);
    },
    place(req) {
      const r = engine.placeOrder({ symbol: BTC, type: 'market', clientOrderId: `c${++clientIds}`, nowMs: venue.now, ...req });
      if (!r.ok) throw new Error(`rejected: ${r.reason}: ${r.message}`);
      return r.value;
    },
    position(symbol = BTC) {
      const p = engine.positions(venue.now).find((x) => x.symbol === symbol);
      if (p === undefined) throw new Error(`no position row for ${symbol}`);
      return p;
    },
    usdt() {
      const b = engine.balances(venue.now).find((x) => x.asset === 'USDT');
      if (b === undefined) throw new Error('no USDT balance');
      return b;
    },
  };
  return venue;
}

/** A BTC market with a small minimum notional, for tests that trade the minimum quantity. */
export function btcWithNotionalMin(notionalMin: string): MarketSpec {
  const btc = DEFAULT_MARKETS.find((m) => m.symbol === BTC);
  if (btc === undefined) throw new Error('no BTC market');
  return { ...btc, notionalMin };
}

export const BTC_SPOT = 'BTC/USDT';
export const ETH_SPOT = 'ETH/USDT';
export const BTC_USD = 'BTC/USD';

/** A spot (or mixed) engine whose mid per symbol is whatever the test sets, recording every event. */
export interface SpotTestVenue {
  engine: VenueEngine;
  events: VenueEvent[];
  setMid(symbol: string, price: number): void;
  /** Places an order (market, on BTC/USDT, unless told) and fails the test with the rejection if it is refused. */
  place(req: Partial<PlaceOrderRequest> & Pick<PlaceOrderRequest, 'side' | 'qty'>): Order;
  /** The balance row of an asset (fails the test when the engine does not list it). */
  balance(asset: string): ReturnType<VenueEngine['balances']>[number];
  now: number;
}

/**
 * Spot markets by default (DEFAULT_SPOT_MARKETS), starting mids BTC 60000 and ETH 3000 for every
 * symbol of that base (perp and spot alike), balances { BTC: "2", USDT: "100000" } unless told.
 */
export function spotVenue(opts: Partial<Omit<VenueEngineOptions, 'midPrice'>> = {}): SpotTestVenue {
  const markets = opts.markets ?? [...DEFAULT_SPOT_MARKETS];
  const mids = new Map<string, number>(markets.map((m) => [m.symbol, m.base === 'BTC' ? 60000 : 3000]));
  const engine = createVenueEngine({
    ...opts,
    venueId: opts.venueId ?? 'spot',
    markets,
    balances: opts.balances ?? { BTC: '2', USDT: '100000' },
    midPrice: (symbol) => {
      const m = mids.get(symbol);
      if (m === undefined) throw new Error(`no mid for ${symbol}`);
      return m;
    },
  });
  const events: VenueEvent[] = [];
  engine.onEvent((e) => events.push(e));
  const venue: SpotTestVenue = {
    engine,
    events,
    now: 1000,
    setMid(symbol, price) {
      mids.set(symbol, price);
    },
    place(req) {
      const r = engine.placeOrder({ symbol: BTC_SPOT, type: 'market', clientOrderId: `s${++clientIds}`, nowMs: venue.now, ...req });
      if (!r.ok) throw new Error(`rejected: ${r.reason}: ${r.message}`);
      return r.value;
    },
    balance(asset) {
      const b = engine.balances(venue.now).find((x) => x.asset === asset);
      if (b === undefined) throw new Error(`no ${asset} balance`);
      return b;
    },
  };
  return venue;
}
