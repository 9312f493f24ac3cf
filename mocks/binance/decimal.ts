/**
 * Exact decimal-string arithmetic (scaled bigint) for rendering Binance numbers. The venue engine
 * passes decimals as strings; these helpers keep them exact (no float on the way to the wire).
 */

export interface Dec {
  /** Unscaled value: value = units / 10^scale. */
  units: bigint;
  scale: number;
}

const PLAIN = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses "123", "-0.5", "1.000", ".5"; throws on anything else (a testbed bug: the engine sends plain decimals). */
export function dec(value: string | number | Dec): Dec {
  if (typeof value === 'object') return value;
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = PLAIN.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`venuechaos binance dialect: not a plain decimal: ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  const units = BigInt(`${m[2] || '0'}${frac}`);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`venuechaos binance dialect: not a finite number: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function rescale(a: Dec, scale: number): bigint {
  return a.units * pow10(scale - a.scale);
}

/** Decimal places without trailing zeros: "0.010" → 2, "0.10" → 1, "100" → 0. */
export function places(value: string | Dec): number {
  const a = dec(value);
  let { units, scale } = a;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return scale;
}

export function add(a: string | Dec, b: string | Dec): Dec {
  const x = dec(a);
  const y = dec(b);
  const scale = Math.max(x.scale, y.scale);
  return { units: rescale(x, scale) + rescale(y, scale), scale };
}

export function sub(a: string | Dec, b: string | Dec): Dec {
  const y = dec(b);
  return add(a, { units: -y.units, scale: y.scale });
}

export function mul(a: string | Dec, b: string | Dec): Dec {
  const x = dec(a);
  const y = dec(b);
  return { units: x.units * y.units, scale: x.scale + y.scale };
}

export function abs(a: string | Dec): Dec {
  const x = dec(a);
  return { units: x.units < 0n ? -x.units : x.units, scale: x.scale };
}

export function cmp(a: string | Dec, b: string | Dec): number {
  const d = sub(a, b).units;
  return d === 0n ? 0 : d > 0n ? 1 : -1;
}

export const isZero = (a: string | Dec): boolean => dec(a).units === 0n;
export const max = (a: string | Dec, b: string | Dec): Dec => (cmp(a, b) >= 0 ? dec(a) : dec(b));
export const min = (a: string | Dec, b: string | Dec): Dec => (cmp(a, b) <= 0 ? dec(a) : dec(b));
export const sum = (values: readonly (string | Dec)[]): Dec => values.reduce<Dec>((acc, v) => add(acc, v), { units: 0n, scale: 0 });

/** True when `a` is a whole multiple of `step` (a zero step accepts everything). */
export function isMultipleOf(a: string | Dec, step: string | Dec): boolean {
  const x = dec(a);
  const s = dec(step);
  const scale = Math.max(x.scale, s.scale);
  const stepUnits = rescale(s, scale);
  return stepUnits === 0n || rescale(x, scale) % stepUnits === 0n;
}

/** a / b rounded half away from zero to `places` decimals; 0 when b is 0. */
export function div(a: string | Dec, b: string | Dec, placesOut: number): Dec {
  const x = dec(a);
  const y = dec(b);
  if (y.units === 0n) return { units: 0n, scale: placesOut };
  // value = (x.units / 10^xs) / (y.units / 10^ys); scaled by 10^p → x.units * 10^(p + ys - xs) / y.units
  const shift = placesOut + y.scale - x.scale;
  let num = x.units * (shift >= 0 ? pow10(shift) : 1n);
  let den = y.units * (shift < 0 ? pow10(-shift) : 1n);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den;
  const r = num % den;
  const roundAway = 2n * (r < 0n ? -r : r) >= den;
  return { units: roundAway ? q + (num < 0n ? -1n : 1n) : q, scale: placesOut };
}

/** Plain string with exactly `n` decimals, rounding half away from zero when it must shorten. */
export function toFixed(a: string | Dec, n: number): string {
  const x = dec(a);
  const y = n >= x.scale ? { units: rescale(x, n), scale: n } : div(x, '1', n);
  const negative = y.units < 0n;
  const digits = (negative ? -y.units : y.units).toString().padStart(n + 1, '0');
  const body = n === 0 ? digits : `${digits.slice(0, -n)}.${digits.slice(-n)}`;
  return negative && y.units !== 0n ? `-${body}` : body;
}

/** At least `n` decimals; an exact value is padded, never rounded. */
export function pad(a: string | Dec, n: number): string {
  return toFixed(a, Math.max(n, places(a)));
}

export function toNumber(a: string | Dec): number {
  return Number(toFixed(a, dec(a).scale));
}
