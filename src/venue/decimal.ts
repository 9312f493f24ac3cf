/**
 * Exact decimals for the venue engine: `bigint` fixed-point with {@link DIGITS} fractional digits.
 *
 * Quantities, prices and money cross the engine's boundary as decimal strings and are stored as
 * {@link Fixed} so positions never drift (1000 × 0.001 is exactly 1). One scale for everything
 * keeps the engine free of scale bookkeeping: 12 digits hold every exchange step we model
 * (qty 1e-3, price 1e-2) and a product qty × price (5 digits) exactly; only averages, fees and
 * margin fractions round, and each of those says how.
 *
 * Pure: no floats except at the explicit `fromNumber` / `toNumber` edges.
 */

/** A decimal scaled by 10^{@link DIGITS}. */
export type Fixed = bigint;

/** Fractional digits kept. */
export const DIGITS = 12;
/** 1 as a {@link Fixed}. */
export const ONE: Fixed = 10n ** BigInt(DIGITS);
/** 0 as a {@link Fixed}. */
export const ZERO: Fixed = 0n;

/**
 * How a result that does not fit is rounded:
 * - `trunc`: toward zero;
 * - `floor`: toward −∞; `ceil`: toward +∞;
 * - `halfUp`: to nearest, ties away from zero;
 * - `halfEven`: to nearest, ties to the even neighbour (banker's rounding; unbiased over many prices).
 */
export type Rounding = 'trunc' | 'floor' | 'ceil' | 'halfUp' | 'halfEven';

/** Thrown for text that is not a decimal or has more precision than {@link DIGITS} allows. */
export class DecimalError extends Error {
  override name = 'DecimalError';
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Integer division n / d rounded as asked. The one place rounding happens; everything else
 * builds on it.
 */
export function divRound(n: bigint, d: bigint, rounding: Rounding): bigint {
  if (d === 0n) throw new Error('venuechaos bug: division by zero in the venue engine');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncated toward zero
  const r = n - q * d; // same sign as n
  if (r === 0n) return q;
  const negative = n < 0n;
  switch (rounding) {
    case 'trunc':
      return q;
    case 'floor':
      return negative ? q - 1n : q;
    case 'ceil':
      return negative ? q : q + 1n;
    case 'halfUp':
    case 'halfEven': {
      const twice = (negative ? -r : r) * 2n;
      const away = negative ? q - 1n : q + 1n;
      if (twice > d) return away;
      if (twice < d) return q;
      if (rounding === 'halfUp') return away;
      return q % 2n === 0n ? q : away;
    }
  }
}

/**
 * Parses a decimal string ("60000.1", "-0.001", "5", "1e-3") to a {@link Fixed}.
 *
 * Without `rounding`, the value must be exact at {@link DIGITS} digits, otherwise it throws: an
 * order quantity of "0.0010000000000001" is not silently taken as "0.001".
 */
export function parse(text: string, rounding?: Rounding): Fixed {
  const exact = parseExact(text);
  if (exact === undefined) throw new DecimalError(`not a decimal: "${text}"`);
  return scaleExact(exact, 1n, rounding, text);
}

/** Like {@link parse}, but answers `undefined` instead of throwing (for untrusted input). */
export function tryParse(text: string): Fixed | undefined {
  const exact = parseExact(text);
  if (exact === undefined) return undefined;
  try {
    return scaleExact(exact, 1n, undefined, text);
  } catch {
    return undefined;
  }
}

/**
 * Shortest exact decimal string: "0.001", "60000.1", "0", "-5". Never "-0", never an exponent.
 */
export function format(x: Fixed): string {
  const negative = x < 0n;
  const abs = negative ? -x : x;
  const whole = abs / ONE;
  const frac = (abs % ONE).toString().padStart(DIGITS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
}

/** a + b (exact). */
export function add(a: Fixed, b: Fixed): Fixed {
  return a + b;
}

/** a − b (exact). */
export function sub(a: Fixed, b: Fixed): Fixed {
  return a - b;
}

/** a × b at {@link DIGITS} digits. Exact whenever the digits of a and b add up to ≤ 12. */
export function mul(a: Fixed, b: Fixed, rounding: Rounding = 'halfEven'): Fixed {
  return divRound(a * b, ONE, rounding);
}

/** a ÷ b at {@link DIGITS} digits. */
export function div(a: Fixed, b: Fixed, rounding: Rounding = 'halfEven'): Fixed {
  return divRound(a * ONE, b, rounding);
}

/** a × n ÷ d for integers n, d (e.g. basis points: `mulRatio(x, bps, 10_000n)`), rounded once. */
export function mulRatio(a: Fixed, n: bigint, d: bigint, rounding: Rounding = 'halfEven'): Fixed {
  return divRound(a * n, d, rounding);
}

/** |x|. */
export function abs(x: Fixed): Fixed {
  return x < 0n ? -x : x;
}

/** The smaller of a and b. */
export function min(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

/** The larger of a and b. */
export function max(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}

/** −1, 0 or 1. */
export function sign(x: Fixed): -1n | 0n | 1n {
  return x > 0n ? 1n : x < 0n ? -1n : 0n;
}

/** True when x is a whole multiple of step (a zero step allows anything). */
export function isMultiple(x: Fixed, step: Fixed): boolean {
  return step === 0n || x % step === 0n;
}

/** x rounded to a multiple of step. */
export function roundToStep(x: Fixed, step: Fixed, rounding: Rounding = 'halfEven'): Fixed {
  if (step <= 0n) throw new Error(`venuechaos bug: step must be positive, got ${format(step)}`);
  return divRound(x, step, rounding) * step;
}

/**
 * A float (e.g. a price path's mid) to a {@link Fixed}, optionally straight onto a step grid.
 * Goes through the float's shortest decimal spelling (what `String(x)` prints) and rounds once,
 * so 60000.05 with step 0.1 and `halfEven` is 60000 — the decimal the user sees, not the binary
 * value just below it.
 */
export function fromNumber(x: number, opts: { step?: Fixed; rounding?: Rounding } = {}): Fixed {
  if (!Number.isFinite(x)) throw new Error(`venuechaos bug: non-finite number ${x}`);
  const exact = parseExact(String(x));
  if (exact === undefined) throw new Error(`venuechaos bug: cannot read number ${x}`);
  const step = opts.step ?? 1n;
  return scaleExact(exact, step, opts.rounding ?? 'halfEven', String(x)) * step;
}

/** A {@link Fixed} to the nearest float (for display and maths outside the ledger only). */
export function toNumber(x: Fixed): number {
  return Number(format(x));
}

/** value = coefficient × 10^exponent, exactly. */
interface Exact {
  coefficient: bigint;
  exponent: number;
}

function parseExact(text: string): Exact | undefined {
  const match = DECIMAL.exec(text.trim());
  if (match === null) return undefined;
  const [, signText = '', whole = '', frac = '', expText] = match;
  if (whole === '' && frac === '') return undefined;
  const exp = expText === undefined ? 0 : Number(expText);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 400) return undefined;
  const digits = BigInt(`${whole}${frac}` || '0');
  return { coefficient: signText === '-' ? -digits : digits, exponent: exp - frac.length };
}

/** The exact value divided by `step` (a Fixed), as an integer: exact, or rounded when allowed. */
function scaleExact(v: Exact, step: Fixed, rounding: Rounding | undefined, text: string): bigint {
  // value / (step × 10^-DIGITS) = coefficient × 10^(exponent + DIGITS) / step
  const shift = v.exponent + DIGITS;
  const numerator = shift >= 0 ? v.coefficient * 10n ** BigInt(shift) : v.coefficient;
  const denominator = shift >= 0 ? step : step * 10n ** BigInt(-shift);
  if (rounding === undefined) {
    if (numerator % denominator !== 0n) throw new DecimalError(`"${text}" has more than ${DIGITS} decimal places`);
    return numerator / denominator;
  }
  return divRound(numerator, denominator, rounding);
}
