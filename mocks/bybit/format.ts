import * as F from '../../src/venue/decimal.ts';

/**
 * Number spelling for Bybit answers, on the venue engine's exact decimals (src/venue/decimal.ts):
 * Bybit sends every number as a string, prices and quantities padded to the instrument's tick and
 * step ("60000.10", "0.010"). Engine values are never rounded on the way out except where a value
 * is derived (ratios, fee rates), and each such place says so.
 */

/** The engine's exact decimal (bigint scaled by 10^12). */
export type Fixed = F.Fixed;
export const { parse, tryParse, format, mul, div, abs, min, max, sign } = F;
export const ZERO = F.ZERO;

/** Decimal places of a decimal string without trailing zeros: "0.010" → 2, "0.1" → 1, "100" → 0. */
export function places(text: string): number {
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  return text.slice(dot + 1).replace(/0+$/, '').length;
}

/** `text` with at least `dp` decimals (padding only: an exact value is never rounded). */
export function pad(text: string, dp: number): string {
  const exact = format(parse(text));
  const have = places(exact);
  if (have >= dp) return exact;
  return `${exact}${have === 0 ? '.' : ''}${'0'.repeat(dp - have)}`.replace(/\.$/, '');
}

/** A fixed value rounded (half even) to exactly `dp` decimals. For derived values only. */
export function toFixed(x: Fixed, dp: number): string {
  const step = 10n ** BigInt(F.DIGITS - dp);
  return pad(format(F.roundToStep(x, step, 'halfEven')), dp);
}

/** Sum of decimal strings, exact. */
export function sum(values: readonly string[]): Fixed {
  return values.reduce<Fixed>((acc, v) => acc + parse(v), ZERO);
}

/** `num / den` as a shortest decimal with at most `dp` decimals (half even); "0" when `den` is 0. */
export function ratio(num: Fixed, den: Fixed, dp: number): string {
  if (den === ZERO) return '0';
  return format(F.roundToStep(div(num, den), 10n ** BigInt(F.DIGITS - dp), 'halfEven'));
}

/** A plain decimal as Bybit accepts it in requests: digits, an optional fraction, no sign or exponent. */
export const DECIMAL_PARAM = /^[0-9]{1,20}(\.[0-9]{1,20})?$/;
