import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PRICE_PATH_STEPS_MAX, createPricePath, type PricePathOptions } from '../../../src/market/price-path.ts';
import { createRng } from '../../../src/sim/rng.ts';

const START_MS = 1_700_000_000_000;

function path(seed: number, over: Partial<PricePathOptions> = {}) {
  return createPricePath({ priceStart: 60000, volatilityAnnual: 0.8, startMs: START_MS, rng: createRng(seed).fork('market'), ...over });
}

describe('price path', () => {
  test('starts at the starting price and answers it for times before the start', () => {
    const p = path(1);
    expect(p.priceAt(START_MS)).toBe(60000);
    expect(p.priceAt(START_MS + 999)).toBe(60000);
    expect(p.priceAt(START_MS - 5_000_000)).toBe(60000);
    expect(p.priceAt(START_MS + 1000)).not.toBe(60000);
  });

  test('is piecewise constant on its step grid', () => {
    const p = path(2, { stepMs: 250 });
    expect(p.priceAt(START_MS + 250)).toBe(p.priceAt(START_MS + 499));
    expect(p.priceAt(START_MS + 500)).not.toBe(p.priceAt(START_MS + 499));
  });

  test('gives the same prices for the same seed and different ones for another seed', () => {
    const times = [0, 1000, 60_000, 3_600_000].map((t) => START_MS + t);
    expect(times.map((t) => path(7).priceAt(t))).toEqual(times.map((t) => path(7).priceAt(t)));
    expect(path(7).priceAt(START_MS + 60_000)).not.toBe(path(8).priceAt(START_MS + 60_000));
  });

  fcTest.prop([fc.array(fc.integer({ min: 0, max: 7_200_000 }), { minLength: 1, maxLength: 30 })])(
    'answers the same price for a time whatever order times are asked in',
    (offsets) => {
      const forward = path(42);
      const shuffled = path(42);
      const expected = [...offsets].sort((a, b) => a - b).map((t) => [t, forward.priceAt(START_MS + t)] as const);
      const byTime = new Map(expected);
      for (const t of [...offsets].reverse()) expect(shuffled.priceAt(START_MS + t)).toBe(byTime.get(t));
    },
  );

  test('does not move when other consumers draw from the stream it was given', () => {
    const rng = createRng(3).fork('market');
    const p = createPricePath({ priceStart: 60000, volatilityAnnual: 0.8, startMs: START_MS, rng });
    const a = p.priceAt(START_MS + 10_000);
    rng.next();
    rng.normal();
    const b = p.priceAt(START_MS + 20_000);
    expect(a).toBe(path(3).priceAt(START_MS + 10_000));
    expect(b).toBe(path(3).priceAt(START_MS + 20_000));
  });

  test('multiplies the price by each jump from its exact millisecond on', () => {
    const plain = path(5);
    const jumpy = path(5, { jumps: [{ atMs: START_MS + 30_500, pct: -10 }, { atMs: START_MS + 10_000, pct: 5 }] });
    const at = (ms: number) => START_MS + ms;
    expect(jumpy.priceAt(at(9_999))).toBe(plain.priceAt(at(9_999)));
    expect(jumpy.priceAt(at(10_000))).toBeCloseTo(plain.priceAt(at(10_000)) * 1.05, 6);
    expect(jumpy.priceAt(at(30_499))).toBeCloseTo(plain.priceAt(at(30_499)) * 1.05, 6);
    expect(jumpy.priceAt(at(30_500))).toBeCloseTo(plain.priceAt(at(30_500)) * 1.05 * 0.9, 6);
  });

  test('has no diffusion at zero volatility and follows the drift', () => {
    expect(path(9, { volatilityAnnual: 0 }).priceAt(START_MS + 86_400_000)).toBeCloseTo(60000, 6);
    const year = 365 * 86_400_000;
    const drifting = path(9, { volatilityAnnual: 0, driftAnnual: 0.1, stepMs: 3_600_000 });
    expect(drifting.priceAt(START_MS + year)).toBeCloseTo(60000 * Math.exp(0.1), 3);
  });

  test('has log returns with about the volatility asked for', () => {
    const p = path(11, { volatilityAnnual: 0.5, stepMs: 60_000 });
    const returns: number[] = [];
    for (let i = 1; i <= 5000; i++) returns.push(Math.log(p.priceAt(START_MS + i * 60_000) / p.priceAt(START_MS + (i - 1) * 60_000)));
    const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
    const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
    const annualized = Math.sqrt(variance * ((365 * 86_400_000) / 60_000));
    expect(annualized).toBeGreaterThan(0.45);
    expect(annualized).toBeLessThan(0.55);
  });

  test('refuses to grow past its step cap with an error that says what to do', () => {
    const p = path(1);
    expect(() => p.priceAt(START_MS + (PRICE_PATH_STEPS_MAX + 1) * 1000)).toThrow(/beyond its cap of 604800 steps \(7 days at 1000 ms\); shorten the run or use a larger stepMs/);
  });

  test('rejects options that cannot make a price', () => {
    expect(() => path(1, { priceStart: 0 })).toThrow(/priceStart/);
    expect(() => path(1, { volatilityAnnual: -1 })).toThrow(/volatilityAnnual/);
    expect(() => path(1, { stepMs: 0 })).toThrow(/stepMs/);
    expect(() => path(1, { jumps: [{ atMs: START_MS, pct: -100 }] })).toThrow(/pct must be > −100/);
  });
});

describe('the longest run', () => {
  test('the scenario format allows exactly as long a run as the price path covers', async () => {
    const { RUN_SEC_MAX } = await import('../../../src/scenario/schema.ts');
    const { PRICE_PATH_STEPS_MAX } = await import('../../../src/market/price-path.ts');
    expect(RUN_SEC_MAX).toBe(PRICE_PATH_STEPS_MAX);
  });
});
