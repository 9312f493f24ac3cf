/**
 * Exact decimals for the venue engine: bigint fixed-point with 12 fractional digits.
 * Quantities, prices and money cross the engine's boundary as decimal strings and are stored as
 * `Fixed` so positions never drift (1000 × 0.001 is exactly 1).
 */

export type Fixed = bigint;

export const DIGITS = 12;
export const ONE: Fixed = 10n ** BigInt(DIGITS);
export const ZERO: Fixed = 0n;

/** Parses "60000.1", "-0.001", "5", "1e-3" (numbers are formatted first). Throws on garbage: a testbed bug, not user input. */
export function parse(value: string | number): Fixed {
  const text = typeof value === 'number' ? numberToString(value) : value.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) throw new Error(`venuechaos bug: not a decimal: "${text}"`);
  const sign = match[1] === '-' ? -1n : 1n;
  const whole = BigInt(match[2] === '' ? '0' : (match[2] ?? '0'));
  const fracText = (match[3] ?? '').slice(0, DIGITS).padEnd(DIGITS, '0');
  return sign * (whole * ONE + BigInt(fracText === '' ? '0' : fracText));
}

/** Shortest exact decimal string: "0.001", "60000.1", "0", "-5". */
export function format(x: Fixed): string {
  const negative = x < 0n;
  const abs = negative ? -x : x;
  const whole = abs / ONE;
  const frac = (abs % ONE).toString().padStart(DIGITS, '0').replace(/0+$/, '');
  return `${negative && abs !== 0n ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
}

/** a × b, rounded toward zero at 12 digits. */
export function mul(a: Fixed, b: Fixed): Fixed {
  return (a * b) / ONE;
}

/** a ÷ b, rounded half away from zero at 12 digits. */
export function div(a: Fixed, b: Fixed): Fixed {
  if (b === 0n) throw new Error('venuechaos bug: division by zero in the venue engine');
  const q = (a * ONE * 2n) / b;
  return q >= 0n ? (q + 1n) / 2n : (q - 1n) / 2n;
}

export function abs(x: Fixed): Fixed {
  return x < 0n ? -x : x;
}

export function min(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

export function max(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}

export function sign(x: Fixed): -1n | 0n | 1n {
  return x > 0n ? 1n : x < 0n ? -1n : 0n;
}

/** True when x is a whole multiple of step. */
export function isMultiple(x: Fixed, step: Fixed): boolean {
  return step === 0n || x % step === 0n;
}

/** Rounds to a multiple of step, half up (toward +∞ at exactly half). */
export function roundToStep(x: Fixed, step: Fixed): Fixed {
  const r = ((x % step) + step) % step;
  const down = x - r;
  return r * 2n >= step ? down + step : down;
}

/** Floors to a multiple of step (toward −∞). */
export function floorToStep(x: Fixed, step: Fixed): Fixed {
  const r = ((x % step) + step) % step;
  return x - r;
}

/** A float (e.g. a price path's mid) to Fixed, via its shortest decimal spelling. */
export function fromNumber(x: number): Fixed {
  return parse(numberToString(x));
}

export function toNumber(x: Fixed): number {
  return Number(format(x));
}

function numberToString(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`venuechaos bug: non-finite number ${x}`);
  const s = String(x);
  return /e/i.test(s) ? x.toFixed(DIGITS) : s;
}
