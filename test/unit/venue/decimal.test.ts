import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as D from '../../../src/venue/decimal.ts';

describe('decimal parse and format', () => {
  test('formats with no trailing zeros and never as "-0"', () => {
    expect(D.format(D.parse('0.001'))).toBe('0.001');
    expect(D.format(D.parse('60000.10'))).toBe('60000.1');
    expect(D.format(D.parse('0'))).toBe('0');
    expect(D.format(D.parse('-0'))).toBe('0');
    expect(D.format(D.parse('-5.000'))).toBe('-5');
    expect(D.format(D.parse('.5'))).toBe('0.5');
    expect(D.format(D.parse('1e-3'))).toBe('0.001');
    expect(D.format(D.parse('2.5E3'))).toBe('2500');
  });

  test('rejects text that is not a decimal', () => {
    for (const bad of ['', '.', 'abc', '1.2.3', '1,5', 'NaN', '--1', '1e']) {
      expect(() => D.parse(bad)).toThrow(D.DecimalError);
      expect(D.tryParse(bad)).toBeUndefined();
    }
  });

  test('refuses more precision than it keeps unless told how to round', () => {
    expect(() => D.parse('0.0010000000000001')).toThrow(/more than 12 decimal places/);
    expect(D.tryParse('0.0010000000000001')).toBeUndefined();
    expect(D.parse('0.0010000000000000')).toBe(D.parse('0.001'));
    expect(D.format(D.parse('0.0000000000005', 'halfEven'))).toBe('0');
    expect(D.format(D.parse('0.0000000000015', 'halfEven'))).toBe('0.000000000002');
    expect(D.format(D.parse('0.0000000000005', 'halfUp'))).toBe('0.000000000001');
  });

  fcTest.prop([fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n })])('format then parse gives back the same value', (x) => {
    expect(D.parse(D.format(x))).toBe(x);
  });
});

describe('decimal arithmetic', () => {
  test('adds 1000 × 0.001 to exactly 1', () => {
    let sum = D.ZERO;
    for (let i = 0; i < 1000; i++) sum = D.add(sum, D.parse('0.001'));
    expect(D.format(sum)).toBe('1');
    expect(D.format(D.sub(sum, D.parse('1')))).toBe('0');
  });

  test('multiplies qty by price exactly', () => {
    expect(D.format(D.mul(D.parse('0.003'), D.parse('60000.1')))).toBe('180.0003');
    expect(D.format(D.mul(D.parse('-0.5'), D.parse('3')))).toBe('-1.5');
  });

  test('divides with the rounding asked for', () => {
    const third = (r: D.Rounding) => D.format(D.div(D.parse('1'), D.parse('3'), r));
    expect(third('trunc')).toBe('0.333333333333');
    expect(third('ceil')).toBe('0.333333333334');
    const minusTwoThirds = (r: D.Rounding) => D.format(D.div(D.parse('-2'), D.parse('3'), r));
    expect(minusTwoThirds('trunc')).toBe('-0.666666666666');
    expect(minusTwoThirds('floor')).toBe('-0.666666666667');
    expect(minusTwoThirds('ceil')).toBe('-0.666666666666');
    expect(minusTwoThirds('halfEven')).toBe('-0.666666666667');
    expect(() => D.div(D.ONE, D.ZERO)).toThrow(/division by zero/);
  });

  test('rounds ties half up away from zero and half even to the even neighbour', () => {
    expect(D.divRound(5n, 2n, 'halfUp')).toBe(3n);
    expect(D.divRound(-5n, 2n, 'halfUp')).toBe(-3n);
    expect(D.divRound(5n, 2n, 'halfEven')).toBe(2n);
    expect(D.divRound(7n, 2n, 'halfEven')).toBe(4n);
    expect(D.divRound(-5n, 2n, 'halfEven')).toBe(-2n);
    expect(D.divRound(5n, -2n, 'floor')).toBe(-3n);
    expect(D.divRound(-7n, 3n, 'trunc')).toBe(-2n);
  });

  test('rounds to a step', () => {
    const tick = D.parse('0.1');
    expect(D.format(D.roundToStep(D.parse('60000.05'), tick, 'halfEven'))).toBe('60000');
    expect(D.format(D.roundToStep(D.parse('60000.15'), tick, 'halfEven'))).toBe('60000.2');
    expect(D.format(D.roundToStep(D.parse('60000.05'), tick, 'halfUp'))).toBe('60000.1');
    expect(D.format(D.roundToStep(D.parse('60000.01'), tick, 'ceil'))).toBe('60000.1');
    expect(D.format(D.roundToStep(D.parse('-0.05'), tick, 'floor'))).toBe('-0.1');
    expect(D.isMultiple(D.parse('0.003'), D.parse('0.001'))).toBe(true);
    expect(D.isMultiple(D.parse('0.0035'), D.parse('0.001'))).toBe(false);
  });

  test('reads a float through its shortest spelling and rounds it once onto a grid', () => {
    expect(D.format(D.fromNumber(0.1 + 0.2))).toBe('0.3');
    expect(D.format(D.fromNumber(60000.05, { step: D.parse('0.1') }))).toBe('60000');
    expect(D.format(D.fromNumber(60000.05, { step: D.parse('0.1'), rounding: 'halfUp' }))).toBe('60000.1');
    expect(D.format(D.fromNumber(1e-20))).toBe('0');
    expect(D.format(D.fromNumber(1.5e21))).toBe('1500000000000000000000');
    expect(() => D.fromNumber(Number.NaN)).toThrow(/non-finite/);
    expect(D.toNumber(D.parse('60000.1'))).toBe(60000.1);
  });

  fcTest.prop([fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.constantFrom<D.Rounding>('trunc', 'floor', 'ceil', 'halfUp', 'halfEven')])(
    'divRound is within one unit of the exact quotient and exact when it divides',
    (n, d, rounding) => {
      const q = D.divRound(n, d, rounding);
      // |n − q·d| < d
      const r = n - q * d;
      expect(r < d && r > -d).toBe(true);
      if (n % d === 0n) expect(q).toBe(n / d);
      if (rounding === 'floor') expect(q * d <= n).toBe(true);
      if (rounding === 'ceil') expect(q * d >= n).toBe(true);
      if (rounding === 'halfUp' || rounding === 'halfEven') expect(2n * (r < 0n ? -r : r) <= d).toBe(true);
    },
  );
});
