/** The example from the scenario format brief; tests derive broken variants from it by string replacement. */
export const EXAMPLE_YAML = `name: primary-outage
description: The primary venue goes dark for ten minutes while the desk is hedged there.
seed: 42
durationSec: 3600
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.8 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 250000 } }
  - { id: backup,  dialect: binanceusdm, balances: { USDT: 250000 } }
inventory:                       # exposure changes the desk must hedge (deltas in base units)
  - { atSec: 0, base: 5 }
  - { atSec: 1200, base: -2 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }
faults:
  - { venue: primary, kind: outage, atSec: 600, durationSec: 600, mode: timeout }
  - { venue: backup, kind: rateLimit, atSec: 700, durationSec: 120, retryAfterSec: 10 }
policy: reference
`;

/** Replaces exactly one occurrence, so a typo in a test fails loudly instead of testing the original. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`replaceOnce: "${from}" must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** 1-based line and column of the n-th occurrence (0-based) of `needle`. */
export function positionOf(text: string, needle: string, occurrence = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`positionOf: "${needle}" occurs fewer than ${occurrence + 1} times`);
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
}
