/**
 * Exact base-unit arithmetic for invariants: decimal strings/numbers → bigint at 1e-12 scale.
 * Ground truth positions are decimal strings from the venue engine; summing them as floats
 * would let drift decide a limit check.
 */
const SCALE_DIGITS = 12;
export const UNIT = 10n ** BigInt(SCALE_DIGITS);

export function toUnits(value: string | number): bigint {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  const [whole = '0', frac = ''] = body.split('.');
  const fracPadded = (frac + '0'.repeat(SCALE_DIGITS)).slice(0, SCALE_DIGITS);
  const units = BigInt(whole === '' ? '0' : whole) * UNIT + BigInt(fracPadded === '' ? '0' : fracPadded);
  return negative ? -units : units;
}

export function fromUnits(units: bigint): number {
  return Number(units) / Number(UNIT);
}

export function absUnits(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function numberToPlain(x: number): string {
  // Scenario numbers are human-written (e.g. 0.5, -2); 12 decimals cover them exactly.
  return x.toFixed(SCALE_DIGITS);
}
