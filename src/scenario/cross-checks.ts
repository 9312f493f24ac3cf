import { closest, levenshtein } from './did-you-mean.ts';
import { formatPath, SCENARIO_ERROR_CODES as CODES, type ScenarioError, type ScenarioErrorCode } from './errors.ts';
import type { Locate, Path } from './positions.ts';
import { baseOf, venueSymbolFor, venueSymbolsOf } from './markets.ts';
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
  /** Per market entry (one, or each of a list): the parsed market, or undefined when it failed the schema. */
  markets: ReadonlyArray<MarketSpec | undefined>;
  /** Whether `market` is written as a list (paths then carry the index). */
  marketList: boolean;
  /** The coins `limits.assets` names, when it is a mapping. */
  limitAssets: readonly string[] | undefined;
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
  return {
    durationSec: s.durationSec,
    markets: Array.isArray(s.market) ? s.market : [s.market],
    marketList: Array.isArray(s.market),
    limitAssets: s.limits.assets === undefined ? undefined : Object.keys(s.limits.assets),
    venues: s.venues, venueIds: s.venues.map((v) => v.id), faults: s.faults, inventory: s.inventory, phases: s.phases };
}

/** The parts of raw (schema-invalid) data that are valid on their own, each parsed by its own schema. */
export function salvage(data: unknown): CheckInput {
  const doc = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const list = (key: string): unknown[] => (Array.isArray(doc[key]) ? (doc[key] as unknown[]) : []);
  const ok = <T>(r: { success: true; data: T } | { success: false }): T | undefined => (r.success ? r.data : undefined);
  return {
    durationSec: ok(durationSecPositive().safeParse(doc['durationSec'])),
    markets: Array.isArray(doc['market']) ? (doc['market'] as unknown[]).map((m) => ok(marketSchema.safeParse(m))) : [ok(marketSchema.safeParse(doc['market']))],
    marketList: Array.isArray(doc['market']),
    limitAssets: (() => {
      const limits = doc['limits'];
      const assets = limits !== null && typeof limits === 'object' ? (limits as Record<string, unknown>)['assets'] : undefined;
      return assets !== null && typeof assets === 'object' && !Array.isArray(assets) ? Object.keys(assets) : undefined;
    })(),
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
  // ── Markets and the instrument each venue trades for each coin ──
  const marketPath = (i: number, ...rest: Path): Path => (s.marketList ? ['market', i, ...rest] : ['market', ...rest]);
  const markets = s.markets;
  /** The run's coins, in market order, when every market is valid (else coin checks are skipped). */
  const coins = markets.every((m) => m !== undefined) ? [...new Set(markets.map((m) => baseOf(m!.symbol)))] : undefined;
  markets.forEach((m, i) => {
    if (m === undefined) return;
    const first = markets.findIndex((x) => x !== undefined && baseOf(x.symbol) === baseOf(m.symbol));
    if (first < i) {
      push(CODES.asset, marketPath(i, 'symbol'), {
        message: `two markets in ${baseOf(m.symbol)}: market[${first}] already prices it`,
        expected: 'one market per coin',
        found: JSON.stringify(m.symbol),
        hint: 'a venue that trades another instrument of the coin names it in venues[].symbol',
      });
    }
  });
  const marketCoins = [...new Set(markets.flatMap((m) => (m === undefined ? [] : [baseOf(m.symbol)])))];

  const symbolPath = (v: VenueSpec, i: number, k: number): Path => (Array.isArray(v.symbol) ? ['venues', i, 'symbol', k] : ['venues', i, 'symbol']);
  s.venues.forEach((v, i) => {
    if (v === undefined) return;
    const symbols: readonly string[] = DIALECT_SYMBOLS[v.dialect];
    venueSymbolsOf(v).forEach((own, k) => {
      if (!symbols.includes(own)) {
        const suggestion = closest(own, symbols) ?? sameCoins(own, symbols);
        push(CODES.symbol, symbolPath(v, i, k), {
          message: `dialect ${v.dialect} (venue ${v.id}) does not list ${own}`,
          expected: `one of ${symbols.join(' | ')}`,
          found: JSON.stringify(own),
          ...(suggestion !== undefined ? { hint: `did you mean "${suggestion}"?` } : {}),
        });
      } else if (marketCoins.length > 0 && !marketCoins.includes(baseOf(own))) {
        push(CODES.symbol, symbolPath(v, i, k), {
          message: `venue ${v.id} would hedge ${baseOf(own)} exposure, but the run's market${marketCoins.length > 1 ? 's are' : ' is'} ${marketCoins.join(', ')}`,
          expected: `an instrument in ${marketCoins.join(' or ')} (${symbols.filter((x) => marketCoins.includes(baseOf(x))).join(' | ') || 'none on this dialect'})`,
          found: JSON.stringify(own),
          hint: marketCoins.length > 1 ? 'each instrument a venue names is for one of the markets\' coins' : 'every venue hedges the same coin; market.symbol names it',
        });
      } else {
        const earlier = venueSymbolsOf(v).findIndex((x) => baseOf(x) === baseOf(own));
        if (earlier < k) {
          push(CODES.symbol, symbolPath(v, i, k), {
            message: `venue ${v.id} names two instruments in ${baseOf(own)}`,
            expected: `one instrument per coin on a venue`,
            found: JSON.stringify(own),
            hint: `keep one of ${JSON.stringify(venueSymbolsOf(v)[earlier])} and ${JSON.stringify(own)}`,
          });
        }
      }
    });
  });
  // A venue without its own instrument for a coin trades the market's symbol: its dialect must list it.
  markets.forEach((market, m) => {
    if (market === undefined) return;
    const unsupported = new Set<string>();
    s.venues.forEach((v) => {
      if (v === undefined || venueSymbolsOf(v).some((x) => baseOf(x) === baseOf(market.symbol))) return;
      const symbols: readonly string[] = DIALECT_SYMBOLS[v.dialect];
      if (symbols.includes(market.symbol) || unsupported.has(v.dialect)) return;
      unsupported.add(v.dialect);
      const suggestion = closest(market.symbol, symbols) ?? sameCoins(market.symbol, symbols);
      const coin = baseOf(market.symbol);
      push(CODES.symbol, marketPath(m, 'symbol'), {
        message: `dialect ${v.dialect} (venue ${v.id}) does not list ${market.symbol}`,
        expected: `one of ${symbols.join(' | ')}`,
        found: JSON.stringify(market.symbol),
        hint:
          suggestion !== undefined
            ? `did you mean "${suggestion}"?`
            : SYMBOLS.some((x) => baseOf(x) === coin)
              ? `give the venue its own instrument with the same base coin: venues[].symbol`
              : `no dialect lists a ${coin} market; the coins venuechaos mocks are ${[...new Set(SYMBOLS.map(baseOf))].join(', ')}`,
      });
    });
    if (!SYMBOLS.includes(market.symbol) && s.venues.every((v) => v !== undefined && venueSymbolsOf(v).some((x) => baseOf(x) === baseOf(market.symbol)))) {
      // Every venue names its own instrument of this coin, so no dialect check above looked at the market's.
      const suggestion = closest(market.symbol, SYMBOLS) ?? sameCoins(market.symbol, SYMBOLS);
      push(CODES.symbol, marketPath(m, 'symbol'), {
        message: `no dialect lists ${market.symbol}`,
        expected: `one of ${SYMBOLS.join(' | ')}`,
        found: JSON.stringify(market.symbol),
        hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : 'market.symbol names the coin the desk hedges; use an instrument some venue trades',
      });
    }
  });

  s.venues.forEach((v, i) => {
    if (v === undefined) return;
    // What the venue trades: one instrument per coin (its own, else the market's).
    const traded = markets.flatMap((m) => (m === undefined ? [] : [venueSymbolFor(v, m)]));
    if (traded.length === 0) return;
    v.positions.forEach((p, j) => {
      if (traded.includes(p.symbol)) return;
      push(CODES.symbol, ['venues', i, 'positions', j, 'symbol'], {
        message: 'a starting position in a symbol this venue does not trade',
        expected: traded.map((t) => JSON.stringify(t)).join(' | '),
        found: JSON.stringify(p.symbol),
        hint: 'a venue trades one instrument per coin: its symbol, or market.symbol (coins on a spot venue are balances, not positions)',
      });
    });
    for (const instrument of traded) {
      // An instrument the dialect does not list is reported above; what it would need is moot.
      if (!(DIALECT_SYMBOLS[v.dialect] as readonly string[]).includes(instrument)) continue;
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
        break;
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
        break;
      }
    }
  });

  // ── Coins: inventory names a traded coin; every coin after the first has its own limits ──
  if (coins !== undefined) {
    s.inventory.forEach((step, i) => {
      if (step?.asset === undefined || coins.includes(step.asset)) return;
      const suggestion = closeCoin(step.asset, coins);
      push(CODES.asset, ['inventory', i, 'asset'], {
        message: `inventory in ${step.asset}, which no market prices`,
        expected: `one of ${coins.join(' | ')}`,
        found: JSON.stringify(step.asset),
        hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : `add a market in ${step.asset} under market: (a list of markets)`,
      });
    });
    const named = s.limitAssets ?? [];
    coins.slice(1).forEach((coin) => {
      if (named.includes(coin)) return;
      push(CODES.asset, named.length > 0 || s.limitAssets !== undefined ? ['limits', 'assets'] : ['limits'], {
        message: `no limits for ${coin}: every market's coin after the first (${coins[0]}, whose limits are limits.netBaseMax) has its own`,
        expected: `limits.assets.${coin}: { netBaseMax: … }`,
        found: s.limitAssets === undefined ? 'no limits.assets' : `limits.assets with ${named.join(', ') || 'nothing'}`,
        hint: `add assets: { ${coin}: { netBaseMax: … } } under limits:`,
      });
    });
    named.forEach((coin) => {
      if (coins.slice(1).includes(coin)) return;
      const suggestion = closeCoin(coin, coins.slice(1));
      push(CODES.asset, ['limits', 'assets', coin], {
        message: coin === coins[0] ? `${coin} is the first market's coin: its limits are limits.netBaseMax and limits.grossBaseMaxPerVenue` : `limits for ${coin}, which no market prices`,
        expected: coins.length > 1 ? `one of ${coins.slice(1).join(' | ')}` : 'no limits.assets (the run has one market)',
        found: JSON.stringify(coin),
        hint: coin === coins[0] ? 'move them up to limits:' : suggestion !== undefined ? `did you mean "${suggestion}"?` : 'remove it, or add its market under market:',
      });
    });
  }

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
  markets.forEach((market, m) => {
    if (market === undefined || durationSec === undefined) return;
    market.jumps.forEach((jump, i) => {
      if (jump.atSec < durationSec) return;
      push(CODES.window, marketPath(m, 'jumps', i, 'atSec'), {
        message: 'price jump at or after the end of the run',
        expected: `atSec < ${durationSec} (${run})`,
        found: String(jump.atSec),
      });
    });
    // Gaps inside the run, one at a time (the market cannot stop printing twice at once).
    const order = market.gaps.map((g, i) => ({ g, i })).sort((a, b) => a.g.atSec - b.g.atSec);
    order.forEach(({ g, i }, k) => {
      const endSec = g.atSec + g.durationSec;
      if (g.atSec >= durationSec) {
        push(CODES.window, marketPath(m, 'gaps', i, 'atSec'), { message: 'price gap at or after the end of the run', expected: `atSec < ${durationSec} (${run})`, found: String(g.atSec) });
        return;
      }
      if (endSec > durationSec + EPSILON_SEC) {
        push(CODES.window, marketPath(m, 'gaps', i, 'durationSec'), {
          message: `price gap reopens at ${endSec} s, after the run ends`,
          expected: `atSec + durationSec <= ${durationSec} (${run})`,
          found: `${g.atSec} + ${g.durationSec} = ${endSec}`,
          hint: `shorten the gap to durationSec ${durationSec - g.atSec} or lengthen the run`,
        });
      }
      const next = order[k + 1];
      if (next !== undefined && next.g.atSec < endSec - EPSILON_SEC) {
        push(CODES.window, marketPath(m, 'gaps', next.i, 'atSec'), {
          message: `price gap starts at ${next.g.atSec} s, while the gap at ${g.atSec} s (gaps[${i}]) is still open until ${endSec} s`,
          expected: `atSec >= ${endSec} (gaps do not overlap)`,
          found: String(next.g.atSec),
          hint: 'merge the two gaps into one, or start this one after the other reopens',
        });
      }
    });
  });
  return errors;
}

/** A coin code one edit away (a typo: "ETC" for "ETH"); codes are short, so "ETH" is not taken for "BTC". */
function closeCoin(word: string, coins: readonly string[]): string | undefined {
  const suggestion = closest(word, coins);
  return suggestion !== undefined && levenshtein(word.toUpperCase(), suggestion.toUpperCase()) <= 1 ? suggestion : undefined;
}

/** "BTC/USDT" or "BTCUSDT" for "BTC/USDT:USDT": the same coins without ccxt's settle suffix. */
function sameCoins(symbol: string, candidates: readonly string[]): string | undefined {
  const letters = (x: string): string => x.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const wanted = letters(symbol);
  return wanted.length < 3 ? undefined : candidates.find((c) => letters(c).startsWith(wanted));
}
