import fc from 'fast-check';
import { formatDuration } from './duration.ts';
import { baseOf } from './markets.ts';
import { DIALECT_NAMES, DIALECT_SYMBOLS, FAULT_KINDS, INVARIANT_NAMES, OUTAGE_MODES, OUTAGE_SCOPES, SYMBOL_DEFAULT, type ScenarioInput } from './schema.ts';

/**
 * Random valid scenario inputs (what a file may say, before defaults), for property tests: every
 * cross-field rule holds by construction (unique venue ids, faults on known venues, every window
 * inside the run). Durations come as numbers or as strings ("1h30m", "500ms", "90s"); optional
 * keys are sometimes left out so defaults are exercised. Not in the barrel: fast-check is a dev
 * dependency.
 */

const RUN_MS_MAX = 48 * 3_600_000;

/** A duration of `ms` milliseconds written the way a person might: 90, "90s", "1m30s", "90000ms". */
export function durationInputArbitrary(ms: number): fc.Arbitrary<number | string> {
  const sec = ms / 1000;
  return fc.constantFrom<number | string>(sec, formatDuration(sec), `${ms}ms`, `${sec}s`);
}

/** Milliseconds in [min, max], biased to round numbers so string forms like "10m" show up. */
function msArbitrary(min: number, max: number): fc.Arbitrary<number> {
  const round = [1000, 60_000, 3_600_000].filter((unit) => Math.ceil(min / unit) <= Math.floor(max / unit));
  const rounded = round.map((unit) => fc.integer({ min: Math.ceil(min / unit), max: Math.floor(max / unit) }).map((n) => n * unit));
  return fc.oneof(fc.integer({ min, max }), ...rounded);
}

const decimal = (min: number, max: number, scale: number) => fc.integer({ min: min * scale, max: max * scale }).map((n) => n / scale);

/** Random valid scenario inputs; see the file comment. */
export function scenarioArbitrary(): fc.Arbitrary<ScenarioInput> {
  return fc
    .record({
      runMs: msArbitrary(1000, RUN_MS_MAX),
      // One market, or two in different coins (BTC and ETH hedged together).
      symbols: fc.oneof(
        fc.constantFrom(...DIALECT_SYMBOLS[DIALECT_NAMES[0]]).map((symbol) => [symbol]),
        fc.shuffledSubarray([...DIALECT_SYMBOLS[DIALECT_NAMES[0]]], { minLength: 2, maxLength: 2 }),
      ),
      marketAsList: fc.boolean(),
      venueIds: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), { minLength: 1, maxLength: 4 }),
    })
    // Sometimes two phases: faults only in the chaos phase, then a recovery deadline inside the run.
    .chain((base) =>
      fc.option(fc.integer({ min: 1, max: Math.max(1, base.runMs - 1) }).chain((chaosMs) => fc.record({ chaosMs: fc.constant(chaosMs), convergeMs: msArbitrary(1, Math.max(1, base.runMs - chaosMs)) })), { nil: undefined }).map((phases) => ({
        ...base,
        phases: phases !== undefined && phases.chaosMs + phases.convergeMs <= base.runMs ? phases : undefined,
      })),
    )
    .chain(({ runMs, symbols, marketAsList, venueIds, phases }) => {
      const coins = symbols.map(baseOf);
      const markets = fc.tuple(...symbols.map((symbol) => marketArbitrary(runMs, symbol)));
      return fc.record(
        {
          name: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,23}$/),
          description: fc.string({ maxLength: 80 }),
          sources: fc.array(fc.constantFrom('https://developers.binance.com/docs/derivatives', 'https://example.org/postmortem?id=7'), { maxLength: 2 }),
          seed: fc.integer({ min: 0, max: 0xffff_ffff }),
          durationSec: durationInputArbitrary(runMs),
          market: symbols.length === 1 && !marketAsList ? markets.map(([m]) => m) : markets,
          venues: fc.tuple(...venueIds.map((id) => venueArbitrary(id, symbols))),
          inventory: fc.array(
            fc.tuple(fc.oneof(fc.record({ atSec: msArbitrary(0, runMs - 1).chain(durationInputArbitrary), base: decimal(-100, 100, 1000) }), inventoryFlowArbitrary(runMs)), fc.option(fc.constantFrom(...coins), { nil: undefined })).map(([step, asset]) => (asset === undefined ? step : { ...step, asset })),
            { maxLength: 6 },
          ),
          limits: fc.record(
            {
              netBaseMax: decimal(0.001, 100, 1000),
              hedgeWithinSec: msArbitrary(1, 3_600_000).chain(durationInputArbitrary),
              unhedgedSecMax: msArbitrary(1, 3_600_000).chain(durationInputArbitrary),
              grossBaseMaxPerVenue: decimal(0.001, 1000, 1000),
              marginUsePctMax: decimal(0.1, 100, 10),
              // Every coin after the first has its own limits.
              ...(coins.length > 1
                ? { assets: fc.tuple(...coins.slice(1).map(() => fc.record({ netBaseMax: decimal(0.001, 1000, 1000), grossBaseMaxPerVenue: decimal(0.001, 1000, 1000) }, { requiredKeys: ['netBaseMax'] }))).map((limits) => Object.fromEntries(coins.slice(1).map((coin, i) => [coin, limits[i]]))) }
                : {}),
            },
            { requiredKeys: ['netBaseMax', 'hedgeWithinSec', ...(coins.length > 1 ? (['assets'] as const) : [])] },
          ),
          faults: fc.array(faultArbitrary(phases?.chaosMs ?? runMs, venueIds), { maxLength: 5 }),
          ...(phases !== undefined ? { phases: fc.record({ chaosUntilSec: durationInputArbitrary(phases.chaosMs), convergeWithinSec: durationInputArbitrary(phases.convergeMs) }) } : {}),
          policy: fc.constantFrom('reference', './policies/mine.ts', '../shared/policy.mjs'),
          expect: fc.record({ outcome: fc.constantFrom('passed' as const, 'violated' as const), invariant: fc.constantFrom(...INVARIANT_NAMES) }, { requiredKeys: [] }),
          eventsMax: fc.integer({ min: 1, max: 10_000_000 }),
        },
        { requiredKeys: ['name', 'seed', 'durationSec', 'market', 'venues', 'limits', ...(phases !== undefined ? (['phases'] as const) : [])] },
      );
    }) as fc.Arbitrary<ScenarioInput>;
}

function marketArbitrary(runMs: number, symbol: string) {
  return fc.record(
    {
      symbol: fc.constant(symbol),
      priceStart: decimal(0.01, 200_000, 100),
      volatilityAnnual: decimal(0, 3, 100),
      driftAnnual: decimal(-1, 1, 100),
      jumps: fc.array(fc.record({ atSec: msArbitrary(0, runMs - 1).chain(durationInputArbitrary), pct: decimal(-99.99, 100, 100) }), { maxLength: 3 }),
      gaps: gapsArbitrary(runMs),
    },
    // The symbol may be left out only when the default is what the venues were built for.
    { requiredKeys: symbol === SYMBOL_DEFAULT ? ['priceStart'] : ['priceStart', 'symbol'] },
  );
}

/** Up to two price gaps inside the run, one after the other (gaps do not overlap). */
function gapsArbitrary(runMs: number) {
  const gapFrom = (fromMs: number) =>
    msArbitrary(fromMs, runMs - 1).chain((atMs) => fc.record({ atMs: fc.constant(atMs), durationMs: msArbitrary(1, runMs - atMs), pct: decimal(-99.99, 100, 100) }));
  const written = (g: { atMs: number; durationMs: number; pct: number }) =>
    fc.record({ atSec: durationInputArbitrary(g.atMs), durationSec: durationInputArbitrary(g.durationMs), pct: fc.constant(g.pct) }, { requiredKeys: ['atSec', 'durationSec'] });
  return fc.oneof(
    fc.constant([]),
    gapFrom(0).chain((first) => {
      const endMs = first.atMs + first.durationMs;
      const second = endMs < runMs ? fc.option(gapFrom(endMs), { nil: undefined }) : fc.constant(undefined);
      return second.chain((next) => fc.tuple(...[first, ...(next !== undefined ? [next] : [])].map(written)));
    }),
  );
}

function venueArbitrary(id: string, symbols: readonly string[]) {
  return fc.record(
    {
      id: fc.constant(id),
      // Only dialects that list the run's markets (spot dialects do not list perps).
      dialect: fc.constantFrom(...DIALECT_NAMES.filter((d) => symbols.every((x) => (DIALECT_SYMBOLS[d] as readonly string[]).includes(x)))),
      // Always some of the margin asset (the venue must be able to trade: a cross-field rule).
      balances: fc.tuple(fc.dictionary(fc.constantFrom('USDC', 'BTC', 'ETH'), decimal(0, 1_000_000, 100), { maxKeys: 2 }), decimal(0.01, 1_000_000, 100)).map(([other, usdt]) => ({ ...other, USDT: usdt })),
      positions: fc.array(fc.record({ symbol: fc.constantFrom(...symbols), base: decimal(-50, 50, 1000) }), { maxLength: 1 }),
      feeTakerBps: decimal(0, 20, 10),
      feeMakerBps: decimal(-5, 10, 10),
      leverage: fc.integer({ min: 1, max: 125 }),
      latencyMs: fc.integer({ min: 0, max: 500 }),
      basisBps: decimal(-500, 500, 10),
      spreadBps: decimal(0, 100, 10),
      rateLimitTierPct: decimal(1, 1000, 1),
    },
    { requiredKeys: ['id', 'dialect'] },
  );
}

function faultArbitrary(runMs: number, venueIds: readonly string[]) {
  const window = msArbitrary(0, runMs - 1).chain((atMs) =>
    fc.record({ atMs: fc.constant(atMs), durationMs: msArbitrary(1, runMs - atMs) }),
  );
  return fc.tuple(fc.constantFrom(...venueIds), fc.constantFrom(...FAULT_KINDS), window).chain(([venue, kind, { atMs, durationMs }]): fc.Arbitrary<Record<string, unknown>> => {
    const base = {
      venue: fc.constant(venue),
      kind: fc.constant(kind),
      atSec: durationInputArbitrary(atMs),
      durationSec: durationInputArbitrary(durationMs),
      // Sometimes a seeded random process of such windows instead of one window.
      process: processArbitrary(),
    };
    const required = ['venue', 'kind', 'atSec', 'durationSec'] as const;
    switch (kind) {
      case 'outage':
        return fc.record({ ...base, mode: fc.constantFrom(...OUTAGE_MODES), scope: fc.constantFrom(...OUTAGE_SCOPES), probability: decimal(0, 1, 100) }, { requiredKeys: [...required] });
      case 'rateLimit': {
        const common = { ...base, banSec: msArbitrary(1, 7_200_000).chain(durationInputArbitrary), ignoredMax: fc.integer({ min: 0, max: 10 }) };
        // A forced 429 window (its own Retry-After) or a tightened budget (the venue's real Retry-After), never both.
        return fc.oneof(
          fc.record({ ...common, retryAfterSec: msArbitrary(1, 600_000).chain(durationInputArbitrary), probability: decimal(0, 1, 100) }, { requiredKeys: [...required] }),
          fc.record({ ...common, budgetPct: decimal(0.1, 100, 10) }, { requiredKeys: [...required, 'budgetPct'] }),
        );
      }
      case 'maintenance':
        return fc.record(
          { ...base, announcedAheadSec: msArbitrary(0, 86_400_000).chain(durationInputArbitrary), phase: fc.constantFrom('full', 'cancelOnly', 'postOnly', 'reduceOnly'), probability: decimal(0, 1, 100) },
          { requiredKeys: [...required] },
        );
      case 'latency':
        return fc
          .tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 30_000 }))
          .chain(([median, extra]) =>
            fc.record({ ...base, latencyMsMedian: fc.constant(median), latencyMsP99: fc.constant(median + extra), probability: decimal(0, 1, 100) }, { requiredKeys: [...required, 'latencyMsMedian', 'latencyMsP99'] }),
          );
      case 'ackLoss':
        return fc.record({ ...base, probability: decimal(0, 1, 100), mode: fc.constantFrom('timeout', 'unknownStatus') }, { requiredKeys: [...required] });
      case 'errorRate':
        return fc.record({ ...base, probability: decimal(0, 1, 100) }, { requiredKeys: [...required, 'probability'] });
      case 'readLag':
        return fc.record({ ...base, lagSec: msArbitrary(1, 600_000).chain(durationInputArbitrary) }, { requiredKeys: [...required, 'lagSec'] });
      case 'staleData':
        return fc.record(base, { requiredKeys: [...required] });
      case 'clockSkew':
        return fc.record({ ...base, skewMs: fc.integer({ min: -120_000, max: 120_000 }) }, { requiredKeys: [...required, 'skewMs'] });
    }
  });
}

/** A seeded random flow of client trades, inside the run. */
function inventoryFlowArbitrary(runMs: number) {
  return msArbitrary(0, runMs - 1).chain((atMs) =>
    fc.record({
      atSec: durationInputArbitrary(atMs),
      flow: fc.record(
        { durationSec: msArbitrary(1, runMs - atMs).chain(durationInputArbitrary), ratePerHour: decimal(0.1, 600, 10), baseMax: decimal(0.001, 10, 1000), buyPct: fc.integer({ min: 0, max: 100 }) },
        { requiredKeys: ['durationSec', 'ratePerHour', 'baseMax'] },
      ),
    }),
  );
}

/** A seeded random process of windows: rate per hour and a duration range (max ≥ min). */
function processArbitrary() {
  return fc
    .tuple(decimal(0.1, 60, 10), msArbitrary(1000, 3_600_000), msArbitrary(0, 3_600_000))
    .chain(([ratePerHour, minMs, extraMs]) =>
      fc.record({ ratePerHour: fc.constant(ratePerHour), durationSecMin: durationInputArbitrary(minMs), durationSecMax: durationInputArbitrary(minMs + extraMs) }),
    );
}
