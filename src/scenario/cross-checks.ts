import { closest } from './did-you-mean.ts';
import { formatPath, SCENARIO_ERROR_CODES as CODES, type ScenarioError, type ScenarioErrorCode } from './errors.ts';
import type { Locate, Path } from './positions.ts';
import { DIALECT_SYMBOLS, type Scenario } from './schema.ts';

/**
 * Rules that need the whole, schema-valid scenario: venue ids unique and known, every window
 * inside the run, symbols the venues' dialects list. All violations are returned, never only the
 * first. Pure.
 */

// Durations come from decimal strings ("0.1s"); sums like 0.1 + 0.2 must not fail by an ulp.
const EPSILON_SEC = 1e-9;

export function crossCheck(s: Scenario, file: string, locate: Locate): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const push = (code: ScenarioErrorCode, path: Path, fields: Omit<ScenarioError, 'code' | 'file' | 'line' | 'column' | 'path'>): void => {
    errors.push({ code, file, ...locate(path), path: formatPath(path), ...fields });
  };
  const run = `the run lasts durationSec ${s.durationSec}`;

  const ids: string[] = [];
  s.venues.forEach((v, i) => {
    const first = ids.indexOf(v.id);
    if (first >= 0) {
      push(CODES.duplicateVenue, ['venues', i, 'id'], {
        message: `venue id "${v.id}" is already used by venues[${first}]`,
        expected: 'a unique venue id',
        found: JSON.stringify(v.id),
        hint: `rename one of them, e.g. "${v.id}-2"`,
      });
    }
    ids.push(v.id);
  });

  const unsupported = new Set<string>();
  s.venues.forEach((v) => {
    const symbols: readonly string[] = DIALECT_SYMBOLS[v.dialect];
    if (symbols.includes(s.market.symbol) || unsupported.has(v.dialect)) return;
    unsupported.add(v.dialect);
    const suggestion = closest(s.market.symbol, symbols) ?? sameCoins(s.market.symbol, symbols);
    push(CODES.symbol, ['market', 'symbol'], {
      message: `dialect ${v.dialect} (venue ${v.id}) does not list ${s.market.symbol}`,
      expected: `one of ${symbols.join(' | ')}`,
      found: JSON.stringify(s.market.symbol),
      hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : 'v0 runs one linear perpetual per scenario',
    });
  });
  s.venues.forEach((v, i) => {
    v.positions.forEach((p, j) => {
      if (p.symbol === s.market.symbol) return;
      push(CODES.symbol, ['venues', i, 'positions', j, 'symbol'], {
        message: 'a starting position in a symbol the run does not trade',
        expected: JSON.stringify(s.market.symbol),
        found: JSON.stringify(p.symbol),
        hint: 'v0 trades one symbol per run: market.symbol',
      });
    });
  });

  const unique = [...new Set(ids)];
  s.faults.forEach((f, i) => {
    if (!unique.includes(f.venue)) {
      const suggestion = closest(f.venue, unique);
      push(CODES.unknownVenue, ['faults', i, 'venue'], {
        message: 'fault names a venue that is not in venues',
        expected: `one of ${unique.join(' | ')}`,
        found: JSON.stringify(f.venue),
        hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : 'add the venue under venues:, or fix the name',
      });
    }
    const endSec = f.atSec + f.durationSec;
    if (f.atSec >= s.durationSec) {
      push(CODES.window, ['faults', i, 'atSec'], {
        message: `fault starts at ${f.atSec} s, after the run ends`,
        expected: `atSec < ${s.durationSec} (${run})`,
        found: String(f.atSec),
        hint: 'move the fault earlier or lengthen the run',
      });
    } else if (endSec > s.durationSec + EPSILON_SEC) {
      push(CODES.window, ['faults', i, 'durationSec'], {
        message: `fault window ends at ${endSec} s, after the run ends`,
        expected: `atSec + durationSec <= ${s.durationSec} (${run})`,
        found: `${f.atSec} + ${f.durationSec} = ${endSec}`,
        hint: `shorten the fault to durationSec ${s.durationSec - f.atSec} or lengthen the run`,
      });
    }
  });

  s.inventory.forEach((step, i) => {
    if (step.atSec < s.durationSec) return;
    push(CODES.window, ['inventory', i, 'atSec'], {
      message: 'inventory step at or after the end of the run',
      expected: `atSec < ${s.durationSec} (${run})`,
      found: String(step.atSec),
    });
  });
  s.market.jumps.forEach((jump, i) => {
    if (jump.atSec < s.durationSec) return;
    push(CODES.window, ['market', 'jumps', i, 'atSec'], {
      message: 'price jump at or after the end of the run',
      expected: `atSec < ${s.durationSec} (${run})`,
      found: String(jump.atSec),
    });
  });
  return errors;
}

/** "BTC/USDT" or "BTCUSDT" for "BTC/USDT:USDT": the same coins without ccxt's settle suffix. */
function sameCoins(symbol: string, candidates: readonly string[]): string | undefined {
  const letters = (x: string): string => x.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const wanted = letters(symbol);
  return wanted.length < 3 ? undefined : candidates.find((c) => letters(c).startsWith(wanted));
}
