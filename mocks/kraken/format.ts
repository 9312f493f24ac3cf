import * as F from '../../src/venue/decimal.ts';

/**
 * Number spelling for Kraken answers, on the engine's exact decimals (src/venue/decimal.ts).
 * Kraken sends prices, volumes and amounts as strings with a fixed number of decimals per field
 * ("60000.00000", "0.01000000", "25435.2100"); counts and times are JSON numbers.
 */
export type Fixed = F.Fixed;
export const { parse, tryParse, format } = F;
export const ZERO = F.ZERO;

/** Decimal places of a decimal string without trailing zeros: "0.010" → 2, "100" → 0. */
export function places(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.slice(dot + 1).replace(/0+$/, '').length;
}

/** `x` with exactly `dp` decimals (half even when it has more: derived values only). */
export function fixed(x: string | Fixed, dp: number): string {
  const v = typeof x === 'string' ? F.parse(x) : x;
  const rounded = F.roundToStep(v, 10n ** BigInt(F.DIGITS - dp), 'halfEven');
  const text = F.format(rounded);
  const have = places(text);
  if (dp === 0) return text;
  return `${text}${have === 0 ? '.' : ''}${'0'.repeat(Math.max(0, dp - have))}`;
}

/** Sum of decimal strings, exact. */
export const sum = (values: readonly string[]): Fixed => values.reduce<Fixed>((acc, v) => acc + F.parse(v), F.ZERO);

/** `a / b` (0 when b is 0). */
export const ratio = (a: Fixed, b: Fixed): Fixed => (b === F.ZERO ? F.ZERO : F.div(a, b));

/** Seconds with Kraken's fractional part, as a JSON number: 1705260547.472. */
export const seconds = (ms: number): number => ms / 1000;

/** A plain decimal as Kraken accepts it in requests. */
export const DECIMAL_PARAM = /^[0-9]{1,20}(\.[0-9]{1,20})?$/;
