import { closest } from './did-you-mean.ts';
import { formatPath, SCENARIO_ERROR_CODES as CODES, type ScenarioError, type ScenarioErrorCode } from './errors.ts';
import type { Locate, Path } from './positions.ts';
import { DIALECT_SYMBOLS, SYMBOLS, durationSecPositive, faultSchema, inventoryStepSchema, marketSchema, phasesSchema, venueSchema, type FaultSpec, type InventoryStep, type MarketSpec, type Phases, type Scenario, type VenueSpec } from './schema.ts';

/**
 * Rules across fields: venue ids unique and known, every window inside the run, symbols the
 * venues' dialects list, faults inside the chaos phase. All violations are returned, never only
 * the first. Pure.
 *
 * They run on whatever parts of the scenario are valid (see `salvage`), so a file with a schema
 * mistake in one place and a cross-field mistake in another gets both reported at once; a check
 * whose inputs are themselves invalid is skipped (that mistake is already reported).
 */

/** The valid parts of a scenario; a part that failed the schema is undefined. */
export interface CheckInput {
  durationSec: number | undefined;
  market: MarketSpec | undefined;
  /** Per venue entry: the parsed venue, or undefined when it failed the schema. */
  venues: ReadonlyArray<VenueSpec | undefined>;
  /** Per venue entry: its id as written, when it is a string (valid or not), so faults naming it are not flagged twice. */
  venueIds: ReadonlyArray<string | undefined>;
  faults: ReadonlyArray<FaultSpec | undefined>;
  inventory: ReadonlyArray<InventoryStep | undefined>;
  phases: Phases | undefined;
}

/** A schema-valid scenario as check input. */
export function checkInputOf(s: Scenario): CheckInput {
  return { durationSec: s.durationSec, market: s.market, venues: s.venues, venueIds: s.venues.map((v) => v.id), faults: s.faults, inventory: s.inventory, phases: s.phases };
}

/** The parts of raw (schema-invalid) data that are valid on their own, each parsed by its own schema. */
export function salvage(data: unknown): CheckInput {
  const doc = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const list = (key: string): unknown[] => (Array.isArray(doc[key]) ? (doc[key] as unknown[]) : []);
  const ok = <T>(r: { success: true; data: T } | { success: false }): T | undefined => (r.success ? r.data : undefined);
  return {
    durationSec: ok(durationSecPositive().safeParse(doc['durationSec'])),
    market: ok(marketSchema.safeParse(doc['market'])),
    venues: list('venues').map((v) => ok(venueSchema.safeParse(v))),
    venueIds: list('venues').map((v) => {
      const id = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)['id'] : undefined;
      return typeof id === 'string' ? id : undefined;
    }),
    faults: list('faults').map((f) => ok(faultSchema.safeParse(f))),
    inventory: list('inventory').map((step) => ok(inventoryStepSchema.safeParse(step))),
    phases: doc['phases'] === undefined ? undefined : ok(phasesSchema.safeParse(doc['phases'])),
  };
}

// Durations come from decimal strings ("0.1s"); sums like 0.1 + 0.2 must not fail by an ulp.
const EPSILON_SEC = 1e-9;

export function crossCheck(s: CheckInput, file: string, locate: Locate): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const push = (code: ScenarioErrorCode, path: Path, fields: Omit<ScenarioError, 'code' | 'file' | 'line' | 'column' | 'path'>): void => {
    errors.push({ code, file, ...locate(path), path: formatPath(path), ...fields });
  };
  const run = `the run lasts durationSec ${s.durationSec}`;

  const ids: string[] = [];
  s.venueIds.forEach((id, i) => {
    if (id === undefined) return;
    const first = s.venueIds.indexOf(id);
    if (first >= 0 && first < i) {
      push(CODES.duplicateVenue, ['venues', i, 'id'], {
        message: `venue id "${id}" is already used by venues[${first}]`,
        expected: 'a unique venue id',
        found: JSON.stringify(id),
        hint: `rename one of them, e.g. "${id}-2"`,
      });
    }
    ids.push(id);
  });
  const market = s.market;

  const unsupported = new Set<string>();
  const baseOf = (symbol: string): string => symbol.split('/')[0] ?? symbol;
  s.venues.forEach((v, i) => {
    if (v === undefined || v.symbol === undefined) return;
    const symbols: readonly string[] = DIALECT_SYMBOLS[v.dialect];
    if (!symbols.includes(v.symbol)) {
      const suggestion = closest(v.symbol, symbols) ?? sameCoins(v.symbol, symbols);
      push(CODES.symbol, ['venues', i, 'symbol'], {
        message: `dialect ${v.dialect} (venue ${v.id}) does not list ${v.symbol}`,
        expected: `one of ${symbols.join(' | ')}`,
        found: JSON.stringify(v.symbol),
        ...(suggestion !== undefined ? { hint: `did you mean "${suggestion}"?` } : {}),
      });
    } else if (market !== undefined && baseOf(v.symbol) !== baseOf(market.symbol)) {
      push(CODES.symbol, ['venues', i, 'symbol'], {
        message: `venue ${v.id} would hedge ${baseOf(v.symbol)} exposure, but the run's market is ${baseOf(market.symbol)}`,
        expected: `a ${baseOf(market.symbol)} instrument (${symbols.filter((x) => baseOf(x) === baseOf(market.symbol)).join(' | ') || 'none on this dialect'})`,
        found: JSON.stringify(v.symbol),
        hint: 'every venue hedges the same coin; market.symbol names it',
      });
    }
  });
  s.venues.forEach((v) => {
    if (v === undefined || v.symbol !== undefined || market === undefined) return;
    const symbols: readonly string[] = DIALECT_SYMBOLS[v.dialect];
    if (symbols.includes(market.symbol) || unsupported.has(v.dialect)) return;
    unsupported.add(v.dialect);
    const suggestion = closest(market.symbol, symbols) ?? sameCoins(market.symbol, symbols);
    push(CODES.symbol, ['market', 'symbol'], {
      message: `dialect ${v.dialect} (venue ${v.id}) does not list ${market.symbol}`,
      expected: `one of ${symbols.join(' | ')}`,
      found: JSON.stringify(market.symbol),
      hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : `give the venue its own instrument with the same base coin: venues[].symbol`,
    });
  });
  s.venues.forEach((v, i) => {
    if (v === undefined || (v.symbol === undefined && market === undefined)) return;
    const traded = v.symbol ?? market!.symbol;
    v.positions.forEach((p, j) => {
      if (p.symbol === traded) return;
      push(CODES.symbol, ['venues', i, 'positions', j, 'symbol'], {
        message: 'a starting position in a symbol this venue does not trade',
        expected: JSON.stringify(traded),
        found: JSON.stringify(p.symbol),
        hint: 'each venue trades one instrument: its symbol, or market.symbol (coins on a spot venue are balances, not positions)',
      });
    });
  });

  if (market !== undefined && !SYMBOLS.includes(market.symbol) && s.venues.every((v) => v?.symbol !== undefined)) {
    // Every venue names its own instrument, so no dialect check above looked at the market's.
    const suggestion = closest(market.symbol, SYMBOLS) ?? sameCoins(market.symbol, SYMBOLS);
    push(CODES.symbol, ['market', 'symbol'], {
      message: `no dialect lists ${market.symbol}`,
      expected: `one of ${SYMBOLS.join(' | ')}`,
      found: JSON.stringify(market.symbol),
      hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : 'market.symbol names the coin the desk hedges; use an instrument some venue trades',
    });
  }

  s.venues.forEach((v, i) => {
    if (v === undefined || (v.symbol === undefined && market === undefined)) return;
    const instrument = v.symbol ?? market!.symbol;
    // An instrument the dialect does not list is reported above; what it would need is moot.
    if (!(DIALECT_SYMBOLS[v.dialect] as readonly string[]).includes(instrument)) return;
    const spot = !instrument.includes(':');
    const [base = '', rest = ''] = instrument.split('/');
    const [quote = '', settle = quote] = rest.split(':');
    if (spot && v.positions.length > 0) {
      push(CODES.value, ['venues', i, 'positions'], {
        message: `venue ${v.id} trades the spot pair ${instrument}: it holds coins, not positions`,
        expected: 'no positions on a spot venue',
        found: `${v.positions.length} position(s)`,
        hint: `hold the coins as a balance instead: balances: { ${base}: ${Math.abs(v.positions[0]?.base ?? 1)}, ${quote}: … }`,
      });
    }
    const funded = (asset: string): boolean => (v.balances[asset] ?? 0) > 0;
    const usable = spot ? [quote, base] : [settle];
    if (!usable.some(funded)) {
      push(CODES.value, ['venues', i, 'balances'], {
        message: `venue ${v.id} cannot trade ${instrument}: it holds no ${usable.join(' or ')}`,
        expected: spot ? `a balance of ${quote} (to buy) or ${base} (to sell)` : `a balance of ${settle} (the margin asset)`,
        found: JSON.stringify(v.balances),
        hint: `add balances: { ${usable[0]}: 100000 }${Object.keys(v.balances).length > 0 ? ` (${Object.keys(v.balances).join(', ')} cannot be used on this venue)` : ''}`,
      });
    }
  });

  const unique = [...new Set(ids)];
  const durationSec = s.durationSec;
  s.faults.forEach((f, i) => {
    if (f === undefined) return;
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
    if (durationSec === undefined) return;
    if (f.atSec >= durationSec) {
      push(CODES.window, ['faults', i, 'atSec'], {
        message: `fault starts at ${f.atSec} s, after the run ends`,
        expected: `atSec < ${durationSec} (${run})`,
        found: String(f.atSec),
        hint: 'move the fault earlier or lengthen the run',
      });
    } else if (endSec > durationSec + EPSILON_SEC) {
      push(CODES.window, ['faults', i, 'durationSec'], {
        message: `fault window ends at ${endSec} s, after the run ends`,
        expected: `atSec + durationSec <= ${durationSec} (${run})`,
        found: `${f.atSec} + ${f.durationSec} = ${endSec}`,
        hint: `shorten the fault to durationSec ${durationSec - f.atSec} or lengthen the run`,
      });
    }
  });

  s.inventory.forEach((step, i) => {
    if (step === undefined || durationSec === undefined) return;
    if (step.atSec >= durationSec) {
      push(CODES.window, ['inventory', i, 'atSec'], {
        message: `inventory ${step.flow === undefined ? 'step' : 'flow'} at or after the end of the run`,
        expected: `atSec < ${durationSec} (${run})`,
        found: String(step.atSec),
      });
    } else if (step.flow !== undefined && step.atSec + step.flow.durationSec > durationSec + EPSILON_SEC) {
      push(CODES.window, ['inventory', i, 'flow', 'durationSec'], {
        message: `inventory flow ends at ${step.atSec + step.flow.durationSec} s, after the run ends`,
        expected: `atSec + flow.durationSec <= ${durationSec} (${run})`,
        found: `${step.atSec} + ${step.flow.durationSec} = ${step.atSec + step.flow.durationSec}`,
        hint: `shorten the flow to durationSec ${durationSec - step.atSec} or lengthen the run`,
      });
    }
  });

  if (s.phases !== undefined) {
    const { chaosUntilSec, convergeWithinSec } = s.phases;
    const deadline = chaosUntilSec + convergeWithinSec;
    if (durationSec !== undefined && deadline > durationSec + EPSILON_SEC) {
      push(CODES.window, chaosUntilSec >= durationSec ? ['phases', 'chaosUntilSec'] : ['phases', 'convergeWithinSec'], {
        message: `the recovery deadline (${chaosUntilSec} + ${convergeWithinSec} = ${deadline} s) is after the run ends`,
        expected: `chaosUntilSec + convergeWithinSec <= ${durationSec} (${run})`,
        found: `${chaosUntilSec} + ${convergeWithinSec} = ${deadline}`,
        hint: 'end the chaos phase earlier, shorten convergeWithinSec, or lengthen the run so recovery can be observed',
      });
    }
    s.faults.forEach((f, i) => {
      if (f === undefined) return;
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
  market?.jumps.forEach((jump, i) => {
    if (durationSec === undefined || jump.atSec < durationSec) return;
    push(CODES.window, ['market', 'jumps', i, 'atSec'], {
      message: 'price jump at or after the end of the run',
      expected: `atSec < ${durationSec} (${run})`,
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
