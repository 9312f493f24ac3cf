import * as D from '../venue/decimal.ts';

/**
 * Exact base-unit arithmetic for invariants, on the venue engine's fixed-point decimals: ground
 * truth positions are decimal strings, and summing them as floats would let drift decide a
 * limit check.
 */
export const toUnits = (value: string | number): bigint => (typeof value === 'number' ? D.fromNumber(value) : D.parse(value));
export const fromUnits = (units: bigint): number => D.toNumber(units);
export const absUnits = (x: bigint): bigint => D.abs(x);

/** `part` as a percent of `whole` (whole ≠ 0), to 12 digits, half even: for messages, not for limit checks. */
export const percentUnits = (part: bigint, whole: bigint): bigint => D.mulRatio(part, 100n * D.ONE, whole);

/** Base units as a message writes them: the exact decimal ("-0.3", never float noise). */
export const formatUnits = (x: bigint): string => D.format(x);

/** A percent as a message writes it: to 4 decimals ("12.0035"). */
export const formatPercent = (x: bigint): string => D.format(D.roundToStep(x, D.ONE / 10_000n));
