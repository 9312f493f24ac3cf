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
  const baseOf = (symbol: string): string => symbol.split('/')[0] ?? symbol;
  s.venues.forEach((v, i) => {
    if (v.symbol === undefined) return;
    const symbols: readonly string[] = DIALECT_SYMBOLS[v.dialect];
    if (!symbols.includes(v.symbol)) {
      const suggestion = closest(v.symbol, symbols) ?? sameCoins(v.symbol, symbols);
      push(CODES.symbol, ['venues', i, 'symbol'], {
        message: `dialect ${v.dialect} (venue ${v.id}) does not list ${v.symbol}`,
        expected: `one of ${symbols.join(' | ')}`,
        found: JSON.stringify(v.symbol),
        ...(suggestion !== undefined ? { hint: `did you mean "${suggestion}"?` } : {}),
      });
    } else if (baseOf(v.symbol) !== baseOf(s.market.symbol)) {
      push(CODES.symbol, ['venues', i, 'symbol'], {
        message: `venue ${v.id} would hedge ${baseOf(v.symbol)} exposure, but the run's market is ${baseOf(s.market.symbol)}`,
        expected: `a ${baseOf(s.market.symbol)} instrument (${symbols.filter((x) => baseOf(x) === baseOf(s.market.symbol)).join(' | ') || 'none on this dialect'})`,
        found: JSON.stringify(v.symbol),
        hint: 'every venue hedges the same coin; market.symbol names it',
      });
    }
  });
  s.venues.forEach((v) => {
    if (v.symbol !== undefined) return;
    const symbols: readonly string[] = DIALECT_SYMBOLS[v.dialect];
    if (symbols.includes(s.market.symbol) || unsupported.has(v.dialect)) return;
    unsupported.add(v.dialect);
    const suggestion = closest(s.market.symbol, symbols) ?? sameCoins(s.market.symbol, symbols);
    push(CODES.symbol, ['market', 'symbol'], {
      message: `dialect ${v.dialect} (venue ${v.id}) does not list ${s.market.symbol}`,
      expected: `one of ${symbols.join(' | ')}`,
      found: JSON.stringify(s.market.symbol),
      hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : `give the venue its own instrument with the same base coin: venues[].symbol`,
    });
  });
  s.venues.forEach((v, i) => {
    v.positions.forEach((p, j) => {
      if (p.symbol === (v.symbol ?? s.market.symbol)) return;
      push(CODES.symbol, ['venues', i, 'positions', j, 'symbol'], {
        message: 'a starting position in a symbol this venue does not trade',
        expected: JSON.stringify(v.symbol ?? s.market.symbol),
        found: JSON.stringify(p.symbol),
        hint: 'each venue trades one instrument: its symbol, or market.symbol (coins on a spot venue are balances, not positions)',
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
    if (step.atSec >= s.durationSec) {
      push(CODES.window, ['inventory', i, 'atSec'], {
        message: `inventory ${step.flow === undefined ? 'step' : 'flow'} at or after the end of the run`,
        expected: `atSec < ${s.durationSec} (${run})`,
        found: String(step.atSec),
      });
    } else if (step.flow !== undefined && step.atSec + step.flow.durationSec > s.durationSec + EPSILON_SEC) {
      push(CODES.window, ['inventory', i, 'flow', 'durationSec'], {
        message: `inventory flow ends at ${step.atSec + step.flow.durationSec} s, after the run ends`,
        expected: `atSec + flow.durationSec <= ${s.durationSec} (${run})`,
        found: `${step.atSec} + ${step.flow.durationSec} = ${step.atSec + step.flow.durationSec}`,
        hint: `shorten the flow to durationSec ${s.durationSec - step.atSec} or lengthen the run`,
      });
    }
  });

  if (s.phases !== undefined) {
    const { chaosUntilSec, convergeWithinSec } = s.phases;
    const deadline = chaosUntilSec + convergeWithinSec;
    if (deadline > s.durationSec + EPSILON_SEC) {
      push(CODES.window, chaosUntilSec >= s.durationSec ? ['phases', 'chaosUntilSec'] : ['phases', 'convergeWithinSec'], {
        message: `the recovery deadline (${chaosUntilSec} + ${convergeWithinSec} = ${deadline} s) is after the run ends`,
        expected: `chaosUntilSec + convergeWithinSec <= ${s.durationSec} (${run})`,
        found: `${chaosUntilSec} + ${convergeWithinSec} = ${deadline}`,
        hint: 'end the chaos phase earlier, shorten convergeWithinSec, or lengthen the run so recovery can be observed',
      });
    }
    s.faults.forEach((f, i) => {
      const endSec = f.atSec + f.durationSec;
      if (endSec <= chaosUntilSec + EPSILON_SEC) return;
      push(CODES.window, ['faults', i, 'durationSec'], {
        message: `fault ${f.process === undefined ? 'window' : 'process span'} ends at ${endSec} s, inside the recovery phase`,
        expected: `atSec + durationSec <= ${chaosUntilSec} (phases.chaosUntilSec: faults belong to the chaos phase)`,
        found: `${f.atSec} + ${f.durationSec} = ${endSec}`,
        hint: `shorten the fault to durationSec ${Math.max(0, chaosUntilSec - f.atSec)} or move phases.chaosUntilSec later`,
      });
    });
  }
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
