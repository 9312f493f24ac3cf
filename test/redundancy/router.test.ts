import { describe, expect, test } from 'vitest';
import { capacityOf, marginExcessOf, marginUsePctOf, rankVenues, route, type RouteRequest, type RouteVenue } from '../../src/redundancy/router.ts';

/**
 * The hedge router as a pure function: a snapshot of venues (health, positions, cached balances,
 * fees) and the desk's caps in, an allocation and its reason out. No clock, no ccxt.
 */

const perp = (id: string, over: Partial<RouteVenue> = {}): RouteVenue => ({
  id,
  kind: 'linearPerp',
  tradable: true,
  positionBase: 0,
  coinsBase: 0,
  takerFee: 0.0005,
  minBase: 0.001,
  marginBalance: 250_000,
  otherInitialMargin: 0,
  leverage: 10,
  ...over,
});

const spot = (id: string, over: Partial<RouteVenue> = {}): RouteVenue => ({
  id,
  kind: 'spot',
  tradable: true,
  positionBase: 0,
  coinsBase: 0,
  takerFee: 0.001,
  minBase: 0.00001,
  freeQuote: 0,
  ...over,
});

const request = (over: Partial<RouteRequest>): RouteRequest => ({ signedBase: -3, price: 60_000, venues: [], limits: {}, headroomFraction: 0.1, ...over });

describe('route', () => {
  test('puts the whole hedge on the primary when it has room, whatever the backups charge', () => {
    const a = route(request({ venues: [perp('primary', { takerFee: 0.0006 }), perp('backup', { takerFee: 0.0002 })] }));
    expect(a.legs).toEqual([{ venueId: 'primary', signedBase: -3, limitedBy: undefined }]);
    expect(a.unallocatedBase).toBe(0);
    expect(a.reason).toBe('placing 3: 3 on primary');
  });

  test('splits a hedge at the gross cap: what the primary cannot hold goes to the backup', () => {
    const a = route(request({ limits: { grossBaseMaxPerVenue: 2 }, venues: [perp('primary'), perp('backup')] }));
    expect(a.legs.map((l) => [l.venueId, l.signedBase])).toEqual([
      ['primary', -2],
      ['backup', -1],
    ]);
    expect(a.reason).toBe('splitting 3: 2 on primary (gross cap 2), 1 on backup');
  });

  test('counts base coins in a perp venue\'s wallet and its position on the same side against the gross cap', () => {
    const a = route(request({ limits: { grossBaseMaxPerVenue: 2 }, venues: [perp('primary', { positionBase: -1, coinsBase: 0.5 }), perp('backup')] }));
    expect(a.legs.map((l) => [l.venueId, l.signedBase])).toEqual([
      ['primary', -0.5],
      ['backup', -2],
    ]);
    expect(a.unallocatedBase).toBe(0.5);
    expect(a.reason).toBe('splitting 3: 0.5 on primary (gross cap 2), 2 on backup (gross cap 2); 0.5 unplaced, no venue has room for it');
  });

  test('always lets a venue reduce what it holds, even over its caps, then opens only within them', () => {
    // Long 3 on a venue capped at 2: selling 4 closes 3 (reducing) and opens a 1 short (within the cap).
    const cap = capacityOf(perp('primary', { positionBase: 3 }), -1, { price: 60_000, limits: { grossBaseMaxPerVenue: 2 } });
    expect(cap.base).toBe(5);
    const a = route(request({ signedBase: -6, limits: { grossBaseMaxPerVenue: 2 }, venues: [perp('primary', { positionBase: 3 }), perp('backup')] }));
    expect(a.legs.map((l) => [l.venueId, l.signedBase])).toEqual([
      ['primary', -5],
      ['backup', -1],
    ]);
  });

  test('keeps initial margin after the order within marginUsePctMax of the margin balance, with headroom', () => {
    // 50 000 balance, 50 %: 25 000 × 0.9 = 22 500 of margin; at 60 000 × 1.1 ÷ 10 = 6 600 a BTC (+ fees): about 3.4 BTC.
    const v = perp('primary', { marginBalance: 50_000 });
    const cap = capacityOf(v, -1, { price: 60_000, limits: { marginUsePctMax: 50 }, headroomFraction: 0.1 });
    expect(cap.limitedBy?.kind).toBe('margin use cap');
    expect(cap.base).toBeGreaterThan(3.3);
    expect(cap.base).toBeLessThan(22_500 / 6_600);
    const a = route(request({ signedBase: -5, limits: { marginUsePctMax: 50 }, venues: [v, perp('backup')] }));
    expect(a.legs.map((l) => l.venueId)).toEqual(['primary', 'backup']);
    expect(a.legs[0]!.signedBase).toBe(-3.4);
    expect(a.legs[1]!.signedBase).toBe(-1.6);
    // What the venue will count: 3.4 × 60 000 ÷ 10 = 20 400, 40.8 % of 50 000; a 10 % rise still leaves it under 50 %.
    expect(a.reason).toBe('splitting 5: 3.4 on primary (margin use cap 50%), 1.6 on backup');
  });

  test('counts margin other markets use and leverage the position reported', () => {
    const lowLeverage = capacityOf(perp('a', { marginBalance: 100_000, leverage: 2 }), -1, { price: 50_000, limits: { marginUsePctMax: 50 }, headroomFraction: 0 });
    const busy = capacityOf(perp('a', { marginBalance: 100_000, leverage: 2, otherInitialMargin: 25_000 }), -1, { price: 50_000, limits: { marginUsePctMax: 50 }, headroomFraction: 0 });
    expect(lowLeverage.base).toBeCloseTo(50_000 / 25_000 / (1 + 0.5 * 2 * 0.0005), 6);
    expect(busy.base).toBeCloseTo(lowLeverage.base / 2, 6);
  });

  test('sizes a leg by free margin when no cap is set: a small wallet takes what it can back, the next venue the rest', () => {
    const a = route(request({ signedBase: -2.5, venues: [perp('primary', { tradable: false }), perp('backup-a', { marginBalance: 8_000 }), perp('backup-b', { takerFee: 0.0006 })] }));
    expect(a.legs.map((l) => [l.venueId, l.signedBase])).toEqual([
      ['backup-a', -1.085],
      ['backup-b', -1.415],
    ]);
    // 8 000 × 0.9 ÷ (60 000 × 1.1 ÷ 10 + fee) = 1.0855, floored to the venue's step.
    expect(a.reason).toBe('splitting 2.5: 1.085 on backup-a (free margin 8000), 1.415 on backup-b');
  });

  test('sends nothing to a venue health says cannot take a hedge, and says so when none can', () => {
    const a = route(request({ venues: [perp('primary', { tradable: false }), perp('backup', { tradable: false })] }));
    expect(a.legs).toEqual([]);
    expect(a.unallocatedBase).toBe(3);
    expect(a.reason).toBe('cannot place 3: no venue can take a hedge now');
  });

  test('prefers the cheaper backup by taker fee when the primary cannot take the hedge, and a last resort only after every other', () => {
    const venues = [perp('primary', { tradable: false }), perp('dear', { takerFee: 0.0006 }), perp('cheap', { takerFee: 0.0002 }), perp('soon-in-maintenance', { takerFee: 0, lastResort: true })];
    expect(rankVenues(venues).map((v) => v.id)).toEqual(['primary', 'cheap', 'dear', 'soon-in-maintenance']);
    expect(route(request({ venues })).legs.map((l) => l.venueId)).toEqual(['cheap']);
    const capped = route(request({ limits: { grossBaseMaxPerVenue: 1 }, venues }));
    expect(capped.legs.map((l) => [l.venueId, l.signedBase])).toEqual([
      ['cheap', -1],
      ['dear', -1],
      ['soon-in-maintenance', -1],
    ]);
  });

  test('sells no more coins on a spot venue than it holds, and buys only with the quote it has', () => {
    const sell = route(request({ signedBase: -1, venues: [perp('primary', { tradable: false }), spot('binance-spot', { positionBase: 0.4 }), spot('kraken-spot', { positionBase: 1.5, takerFee: 0.004 })] }));
    expect(sell.legs.map((l) => [l.venueId, l.signedBase])).toEqual([
      ['binance-spot', -0.4],
      ['kraken-spot', -0.6],
    ]);
    expect(sell.reason).toBe('splitting 1: 0.4 on binance-spot (0.4 coins held), 0.6 on kraken-spot');
    // Spot venues go in the scenario's order, after every perp backup, whatever their fees.
    const ranked = rankVenues([perp('primary'), spot('kraken-spot', { takerFee: 0.004 }), perp('backup', { takerFee: 0.0006 }), spot('binance-spot', { takerFee: 0.001 })]);
    expect(ranked.map((v) => v.id)).toEqual(['primary', 'backup', 'kraken-spot', 'binance-spot']);
    const buy = capacityOf(spot('s', { freeQuote: 6_000 }), 1, { price: 60_000, limits: {}, headroomFraction: 0 });
    expect(buy.base).toBeCloseTo(0.1 / 1.001, 8);
  });

  test('treats a hedge below the preferred venue\'s minimum as dust, not a leg for a venue that takes smaller orders', () => {
    const a = route(request({ signedBase: -0.0004, venues: [perp('primary'), spot('spot', { positionBase: 1 })] }));
    expect(a.legs).toEqual([]);
  });

  test('opens nothing against a margin-use cap it cannot judge (balance never read, or no price), but still reduces', () => {
    const unread = perp('primary', { marginBalance: undefined, positionBase: 1 });
    expect(capacityOf(unread, -1, { price: 60_000, limits: { marginUsePctMax: 50 } })).toMatchObject({ base: 1, limitedBy: { kind: 'margin unknown' } });
    expect(capacityOf(perp('p'), -1, { price: undefined, limits: { marginUsePctMax: 50 } })).toMatchObject({ base: 0, limitedBy: { kind: 'price unknown' } });
    // Without the cap the venue judges its own free margin: no limit from the router.
    expect(capacityOf(perp('p', { marginBalance: undefined }), -1, { price: 60_000, limits: {} }).base).toBe(Infinity);
  });

  test('never allocates more than asked, and never past any venue\'s capacity (random snapshots)', () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 300; i += 1) {
      const venues = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, k) =>
        perp(`v${k}`, { tradable: rand() > 0.2, positionBase: Math.round((rand() * 6 - 3) * 1000) / 1000, marginBalance: 5_000 + rand() * 100_000, leverage: 1 + Math.floor(rand() * 20) }),
      );
      const req = request({ signedBase: Math.round((rand() * 8 - 4) * 1000) / 1000, limits: { grossBaseMaxPerVenue: rand() > 0.5 ? 1 + rand() * 3 : undefined, marginUsePctMax: rand() > 0.5 ? 20 + rand() * 60 : undefined } });
      const a = route({ ...req, venues });
      const placed = a.legs.reduce((sum, l) => sum + Math.abs(l.signedBase), 0);
      expect(placed).toBeLessThanOrEqual(Math.abs(req.signedBase) + 1e-9);
      for (const l of a.legs) {
        const v = venues.find((x) => x.id === l.venueId)!;
        expect(v.tradable).toBe(true);
        expect(Math.sign(l.signedBase)).toBe(Math.sign(req.signedBase));
        expect(Math.abs(l.signedBase)).toBeLessThanOrEqual(capacityOf(v, l.signedBase > 0 ? 1 : -1, req).base + 1e-9);
        if (req.limits.grossBaseMaxPerVenue !== undefined) {
          const after = Math.abs(v.positionBase + l.signedBase);
          expect(after <= req.limits.grossBaseMaxPerVenue + 1e-9 || after < Math.abs(v.positionBase)).toBe(true);
        }
      }
    }
  });
});

describe('margin use after a price move', () => {
  // 1 BTC short at 10x on 30 000 USDT: 6000 of initial margin at 60 000 (20 %).
  const small = (over: Partial<RouteVenue> = {}) => perp('small', { positionBase: -1, marginBalance: 30_000, ...over });

  test('marginUsePctOf: initial margin of what a perp holds, at the price, over its margin balance', () => {
    expect(marginUsePctOf(small(), 60_000)).toBeCloseTo(20, 10);
    // +15 %: the short loses 9000 of balance, its margin grows with the notional.
    expect(marginUsePctOf(small({ marginBalance: 21_000 }), 69_000)).toBeCloseTo((100 * 6900) / 21_000, 10);
    expect(marginUsePctOf(small({ marginBalance: undefined }), 60_000)).toBeUndefined();
    expect(marginUsePctOf(small(), undefined)).toBeUndefined();
    expect(marginUsePctOf(spot('s'), 60_000)).toBeUndefined();
    expect(marginUsePctOf(small({ marginBalance: 0 }), 60_000)).toBe(Infinity);
  });

  test('marginExcessOf: what to take off so the rest fits the room an opening would get; 0 within it or without a cap', () => {
    const limits = { marginUsePctMax: 25 };
    const over = small({ marginBalance: 21_000 });
    const excess = marginExcessOf(over, { price: 69_000, limits, headroomFraction: 0.1 });
    // What stays: 25 % × 21 000 × 0.9 of margin at 69 000 × 1.1 / 10 per BTC.
    const keep = (0.25 * 21_000 * 0.9) / ((69_000 * 1.1) / 10);
    expect(excess).toBeCloseTo(1 - keep, 8);
    // Reopening what stays passes the router's own cap check: no room left, none needed.
    expect(capacityOf({ ...over, positionBase: -keep }, -1, { price: 69_000, limits, headroomFraction: 0.1 }).base).toBeCloseTo(0, 6);
    expect(marginExcessOf(small(), { price: 50_000, limits, headroomFraction: 0.1 })).toBe(0);
    expect(marginExcessOf(over, { price: 69_000, limits: {}, headroomFraction: 0.1 })).toBe(0);
  });
});
