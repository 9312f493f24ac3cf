import * as D from '../venue/decimal.ts';

/**
 * Exact base-unit arithmetic for invariants, on the venue engine's fixed-point decimals: ground
 * truth positions are decimal strings, and summing them as floats would let drift decide a
 * limit check.
 */
export const toUnits = (value: string | number): bigint => (typeof value === 'number' ? D.fromNumber(value) : D.parse(value));
export const fromUnits = (units: bigint): number => D.toNumber(units);
export const absUnits = (x: bigint): bigint => D.abs(x);
