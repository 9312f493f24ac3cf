import { describe, expect, test } from 'vitest';
import { createPricePath, type PricePathOptions } from '../../../src/market/price-path.ts';
import { createRng } from '../../../src/sim/rng.ts';

const START_MS = 1_700_000_000_000;
const at = (ms: number) => START_MS + ms;

function path(seed: number, over: Partial<PricePathOptions> = {}) {
  return createPricePath({ priceStart: 60000, volatilityAnnual: 0.8, startMs: START_MS, rng: createRng(seed).fork('market'), ...over });
}

describe('price path gaps', () => {
  test('a path without gaps gives the same prices as before, for every ms asked', () => {
    const plain = path(21);
    const empty = path(21, { gaps: [] });
    const times = [-5_000, 0, 1, 999, 1000, 1001];
    for (let t = 0; t <= 600_000; t += 777) times.push(t);
    for (const t of times) expect(empty.priceAt(at(t))).toBe(plain.priceAt(at(t)));
  });

  test('holds the price at the gap start for every read inside the gap', () => {
    const plain = path(22);
    const gapped = path(22, { gaps: [{ atMs: at(10_500), durationMs: 30_000, pct: -8 }] });
    const frozen = plain.priceAt(at(10_500));
    expect(gapped.priceAt(at(10_500))).toBe(frozen);
    for (let t = 10_500; t < 40_500; t += 333) expect(gapped.priceAt(at(t))).toBe(frozen);
    expect(gapped.priceAt(at(40_499))).toBe(frozen);
    expect(gapped.priceAt(at(10_499))).toBe(plain.priceAt(at(10_499)));
  });

  test('reopens at the no-gap price times (1 + pct/100), and keeps the factor afterwards', () => {
    const plain = path(23);
    const gapped = path(23, { gaps: [{ atMs: at(10_500), durationMs: 30_000, pct: -8 }] });
    expect(gapped.priceAt(at(40_500))).toBe(plain.priceAt(at(40_500)) * 0.92);
    expect(gapped.priceAt(at(90_000))).toBe(plain.priceAt(at(90_000)) * 0.92);
  });

  test('defers a jump inside the gap to the reopening', () => {
    const jumps = [{ atMs: at(20_000), pct: 10 }];
    const plain = path(24, { jumps });
    const gapped = path(24, { jumps, gaps: [{ atMs: at(15_000), durationMs: 10_000, pct: 0 }] });
    expect(gapped.priceAt(at(20_000))).toBe(gapped.priceAt(at(15_000)));
    expect(gapped.priceAt(at(24_999))).toBe(path(24).priceAt(at(15_000)));
    expect(gapped.priceAt(at(25_000))).toBe(plain.priceAt(at(25_000)));
    expect(gapped.priceAt(at(25_000))).toBeCloseTo(path(24).priceAt(at(25_000)) * 1.1, 6);
  });

  test('a gap of pct 0 still hides the move and delivers it at once', () => {
    const plain = path(25, { volatilityAnnual: 1.5 });
    const gapped = path(25, { volatilityAnnual: 1.5, gaps: [{ atMs: at(5_000), durationMs: 60_000, pct: 0 }] });
    const frozen = gapped.priceAt(at(64_999));
    expect(frozen).toBe(plain.priceAt(at(5_000)));
    expect(gapped.priceAt(at(65_000))).not.toBe(frozen);
    expect(gapped.priceAt(at(65_000))).toBe(plain.priceAt(at(65_000)));
  });

  test('answers the same prices when times are asked in reverse order', () => {
    const opts = { gaps: [{ atMs: at(30_000), durationMs: 20_000, pct: 5 }, { atMs: at(2_000), durationMs: 7_000, pct: -3 }], jumps: [{ atMs: at(35_000), pct: -4 }] };
    const times: number[] = [];
    for (let t = -3_000; t <= 120_000; t += 1_234) times.push(at(t));
    const forward = path(26, opts);
    const expected = times.map((t) => forward.priceAt(t));
    const backward = path(26, opts);
    const got = [...times].reverse().map((t) => backward.priceAt(t)).reverse();
    expect(got).toEqual(expected);
  });

  test('stacks factors of back-to-back gaps in order', () => {
    const plain = path(27);
    const gapped = path(27, { gaps: [{ atMs: at(20_000), durationMs: 5_000, pct: 2 }, { atMs: at(10_000), durationMs: 10_000, pct: -5 }] });
    expect(gapped.priceAt(at(20_000))).toBe(plain.priceAt(at(20_000)) * 0.95);
    expect(gapped.priceAt(at(24_999))).toBe(plain.priceAt(at(20_000)) * 0.95);
    expect(gapped.priceAt(at(25_000))).toBeCloseTo(plain.priceAt(at(25_000)) * 0.95 * 1.02, 6);
  });

  test('refuses gaps that cannot be', () => {
    expect(() => path(1, { gaps: [{ atMs: at(0), durationMs: 1000, pct: -100 }] })).toThrow(/gap at \d+ ms of -100 % is not allowed \(pct must be > −100\)/);
    expect(() => path(1, { gaps: [{ atMs: at(0), durationMs: 0, pct: 1 }] })).toThrow(/gap at .* durationMs 0 \(must be a positive finite number\)/);
    expect(() => path(1, { gaps: [{ atMs: at(0), durationMs: -5, pct: 1 }] })).toThrow(/durationMs -5/);
    expect(() => path(1, { gaps: [{ atMs: at(0), durationMs: Infinity, pct: 1 }] })).toThrow(/durationMs Infinity/);
    expect(() =>
      path(1, {
        gaps: [
          { atMs: at(10_000), durationMs: 5_000, pct: 1 },
          { atMs: at(0), durationMs: 10_001, pct: 1 },
        ],
      }),
    ).toThrow(/gaps overlap: the gap at \d+ ms lasting 10001 ms is still open at \d+ ms/);
  });
});
