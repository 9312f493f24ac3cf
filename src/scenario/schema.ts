import { z } from 'zod';
import { DURATION_FORMAT, parseDuration } from './duration.ts';

/**
 * The scenario format, v0: one zod schema, strict (unknown keys are errors), every default stated
 * here. Units are in the names (`atSec`, `latencyMs`); every `*Sec` field also takes "10m",
 * "1h30m", "90s", "500ms". Cross-field rules (venue names, windows inside the run, symbols per
 * dialect) live in cross-checks.ts because they need the whole, already-valid document.
 */

// ── Dialects ────────────────────────────────────────────────────────────────────────────────

/** Dialects a venue can speak, with the symbols each lists. A new dialect is one line here (and its factory in src/sim/run.ts). */
export const DIALECT_SYMBOLS = {
  binanceusdm: ['BTC/USDT:USDT', 'ETH/USDT:USDT'],
  bybit: ['BTC/USDT:USDT', 'ETH/USDT:USDT'],
  okx: ['BTC/USDT:USDT', 'ETH/USDT:USDT'],
  binance: ['BTC/USDT', 'ETH/USDT'],
  kraken: ['BTC/USD', 'ETH/USD'],
} as const satisfies Record<string, readonly string[]>;

export type Dialect = keyof typeof DIALECT_SYMBOLS;
/** Dialect names, in declaration order. */
export const DIALECT_NAMES = Object.keys(DIALECT_SYMBOLS) as [Dialect, ...Dialect[]];
/** Every symbol some dialect lists (linear perps and spot pairs). */
export const SYMBOLS: readonly string[] = [...new Set(Object.values(DIALECT_SYMBOLS).flat())];
/** `market.symbol` when the file leaves it out. */
export const SYMBOL_DEFAULT = 'BTC/USDT:USDT';

// ── Field notes for error messages ──────────────────────────────────────────────────────────

/** What the error reporter says a field expects, and the noun for a union's members ("fault"). */
export interface FieldNote {
  expected?: string;
  noun?: string;
}
/** Notes keyed by schema instance; read by issues.ts when it turns zod issues into ScenarioErrors. */
export const fieldNotes = z.registry<FieldNote>();

function noted<T extends z.ZodType>(schema: T, note: FieldNote): T {
  fieldNotes.add(schema, note);
  return schema;
}

// ── Durations ───────────────────────────────────────────────────────────────────────────────

function duration(bound: z.ZodNumber) {
  const input = noted(z.union([z.number(), z.string()]).meta({ description: `a duration: ${DURATION_FORMAT}` }), { expected: `a duration: ${DURATION_FORMAT}` });
  return input
    .transform((value, ctx): number => {
      if (typeof value === 'number') return value;
      const parsed = parseDuration(value);
      if (parsed.ok) return parsed.sec;
      ctx.issues.push({ code: 'custom', input: value, message: parsed.message, params: { vcCode: 'VC_SCENARIO_DURATION', expected: DURATION_FORMAT, hint: parsed.hint } });
      return z.NEVER;
    })
    .pipe(bound);
}
/** The longest run: the price path is generated for at most 7 days (src/market/price-path.ts, PRICE_PATH_STEPS_MAX at 1 s steps). */
export const RUN_SEC_MAX = 7 * 24 * 3600;

/** A duration in seconds, > 0 (number or "10m"-style string). */
export const durationSecPositive = () => duration(z.number().positive());
/** A duration in seconds, >= 0 (number or "10m"-style string). */
export const durationSecNonNegative = () => duration(z.number().nonnegative());

// ── Small pieces ────────────────────────────────────────────────────────────────────────────

/** Scenario names: kebab-case. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
/** Venue ids: lower-case, starting with a letter. */
export const VENUE_ID_PATTERN = /^[a-z][a-z0-9-]*$/;
const ASSET_PATTERN = /^[A-Z][A-Z0-9]*$/;
const POLICY_PATH_PATTERN = /^(?![/\\])(?![A-Za-z]:)(?![A-Za-z][A-Za-z0-9+.-]*:\/\/)\S+\.(?:ts|js|mjs)$/;
/** The policy venuechaos ships. */
export const REFERENCE_POLICY = 'reference';

const nameSchema = noted(z.string().regex(NAME_PATTERN), { expected: 'kebab-case: lower-case letters, digits and "-", e.g. "primary-outage"' });
const venueIdSchema = noted(z.string().regex(VENUE_ID_PATTERN), { expected: 'lower-case letters, digits and "-", starting with a letter, e.g. "backup-a"' });
const assetSchema = noted(z.string().regex(ASSET_PATTERN), { expected: 'an upper-case asset code, e.g. "USDT"' });

/** "reference" (the shipped engine) or a relative path to a user policy module. */
export const policySchema = noted(z.union([z.literal(REFERENCE_POLICY), z.string().regex(POLICY_PATH_PATTERN)]), {
  expected: '"reference", or a relative path to a policy module ending in .ts, .js or .mjs (e.g. "./policies/mine.ts")',
});

// ── Market ──────────────────────────────────────────────────────────────────────────────────

/** A step in the mid price at `atSec`. */
export const jumpSchema = z.strictObject({
  atSec: durationSecNonNegative(),
  /** Percent move of the mid price at `atSec` (−100 would take the price to zero). */
  pct: z.number().gt(-100),
});

/**
 * A stretch in which the market stops printing and reopens elsewhere: from `atSec` for
 * `durationSec` every venue's mid holds its value at `atSec` (tickers, marks and fills at the last
 * price) while the random path goes on unseen; at the reopening the whole move made meanwhile,
 * times (1 + pct/100), lands in one step. Jumps due inside a gap land at its reopening.
 */
export const gapSchema = z.strictObject({
  atSec: durationSecNonNegative(),
  durationSec: durationSecPositive(),
  /** Percent move added at the reopening, on top of what the path did during the gap (0: only the hidden move). */
  pct: z.number().gt(-100).default(0),
});

/** One market a run trades, and how its mid price moves. */
export const marketSchema = z.strictObject({
  symbol: z.string().min(1).default(SYMBOL_DEFAULT),
  priceStart: z.number().positive(),
  volatilityAnnual: z.number().nonnegative().default(0.5),
  driftAnnual: z.number().default(0),
  jumps: z.array(jumpSchema).default(() => []),
  gaps: z.array(gapSchema).default(() => []),
});

/**
 * The markets a run trades: one, or a list of markets in different base coins (BTC and ETH
 * hedged together). Each has its own price path; the first is the primary coin, whose limits are
 * `limits.netBaseMax` (the others' are in `limits.assets`).
 */
export const marketsSchema = z.union([marketSchema, z.array(marketSchema).min(1)]);

// ── Venues ──────────────────────────────────────────────────────────────────────────────────

/** A position a venue holds when the run starts. */
export const positionSchema = z.strictObject({
  symbol: z.string().min(1),
  /** Signed size in base units (negative = short). */
  base: z.number(),
});

/** One mock exchange instance: its dialect, starting account and network latency. */
export const venueSchema = z.strictObject({
  id: venueIdSchema,
  dialect: z.enum(DIALECT_NAMES),
  /**
   * The instrument the desk hedges with on this venue, when it is not `market.symbol`: same base
   * coin, e.g. "BTC/USD" on a Kraken spot venue next to "BTC/USDT:USDT" perps elsewhere. On a spot
   * venue the desk's "position" is its coins: the base balance counts in exposure.
   */
  symbol: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  balances: z.record(assetSchema, z.number().nonnegative()).default(() => ({ USDT: 100_000 })),
  positions: z.array(positionSchema).default(() => []),
  feeTakerBps: z.number().nonnegative().default(4),
  /** May be negative (a maker rebate). */
  feeMakerBps: z.number().default(2),
  leverage: z.int().min(1).max(125).default(10),
  latencyMs: z.number().nonnegative().default(5),
  /**
   * This venue's mid against the market's, in bps: a perp's premium over the index (+), a
   * regional discount (−). Hedging here costs or earns that difference.
   */
  basisBps: z.number().gt(-10_000).lt(10_000).default(0),
  /** The quoted spread, best bid to best ask, in bps of the venue's mid (a thin venue quotes wider). */
  spreadBps: z.number().nonnegative().max(10_000).default(1),
  /**
   * The account's rate-limit tier as a percent of the dialect's published budgets: 100 is the
   * standard tier, 200 a desk whose limits were raised (VIP or market-maker programme). Order
   * and weight budgets scale; ban lengths do not. A rateLimit fault's budgetPct applies on top.
   */
  rateLimitTierPct: z.number().positive().max(10_000).default(100),
});

// ── Inventory and limits ────────────────────────────────────────────────────────────────────

/**
 * A seeded random flow of client trades from `atSec` for `durationSec`: trades arrive at
 * exponential intervals (`ratePerHour` on average), each of a size drawn uniformly from
 * (0, `baseMax`], buying (+) with chance `buyPct`. The same seed gives the same trades.
 */
export const inventoryFlowSchema = z.strictObject({
  durationSec: durationSecPositive(),
  ratePerHour: z.number().positive().max(360_000),
  /** Largest single trade, base units. */
  baseMax: z.number().positive(),
  /** Percent of trades that add exposure (the desk bought); the rest remove it. 50 is a balanced flow. */
  buyPct: z.number().min(0).max(100).default(50),
});

/**
 * A change in the exposure the desk must hedge: a step of `base` at `atSec`, or a seeded random
 * `flow` of client trades starting at `atSec`. Exactly one of the two.
 */
export const inventoryStepSchema = z
  .strictObject({
    atSec: durationSecNonNegative(),
    /** The coin whose exposure changes, with several markets (e.g. "ETH"); default: the first market's. */
    asset: assetSchema.optional(),
    /** Exposure delta in base units. */
    base: z.number().optional(),
    flow: inventoryFlowSchema.optional(),
  })
  .superRefine((step, ctx) => {
    if ((step.base === undefined) === (step.flow === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: step.base === undefined ? 'an inventory entry needs base: (a step) or flow: (a random flow)' : 'an inventory entry is a step (base:) or a flow (flow:), not both',
        path: step.base === undefined ? ['base'] : ['flow'],
        params: { expected: 'exactly one of base: or flow:', hint: 'split it into two entries' },
      });
    }
  });

/** The limits of one more market's coin, with several markets (`limits.assets.ETH`). */
export const assetLimitsSchema = z.strictObject({
  /** Largest |net exposure| in this coin, base units. */
  netBaseMax: z.number().positive(),
  /** Optional: largest |position| or coins held in this coin on any one venue, base units. */
  grossBaseMaxPerVenue: z.number().positive().optional(),
});

/** What the policy under test must keep to: net exposure and how fast it hedges. */
export const limitsSchema = z.strictObject({
  /** Largest |net base exposure| (inventory + positions on every venue), base units. */
  netBaseMax: z.number().positive(),
  /** How long exposure may stay over netBaseMax while some venue could take the hedge. */
  hedgeWithinSec: durationSecPositive(),
  /** Optional: how long exposure may stay over netBaseMax in one stretch, whatever the cause (even every venue down). */
  unhedgedSecMax: durationSecPositive().optional(),
  /** Optional: largest |position| (perps) or coins held (spot) on any one venue, base units — concentration risk. */
  grossBaseMaxPerVenue: z.number().positive().optional(),
  /** Optional: largest initial margin in use on a perp venue, as a percent of its equity. */
  marginUsePctMax: z.number().positive().max(100).optional(),
  /**
   * Optional: requests per rolling 60 s the policy may send to a venue it knows is down (the
   * venue answered it "down" inside an outage or full maintenance window) — the probe budget.
   * Unset: 20 (the `probeBudget` invariant's default).
   */
  downProbesPerMinMax: z.int().positive().optional().meta({ description: 'requests per rolling 60 s to a venue known down (outage or full maintenance, after its first "down" answer); unset: 20' }),
  /**
   * With several markets: the limits of every coin after the first, keyed by coin ("ETH"). The
   * fields above are the first coin's; hedgeWithinSec, unhedgedSecMax, marginUsePctMax and
   * downProbesPerMinMax hold for every coin.
   */
  assets: z.record(assetSchema, assetLimitsSchema).optional(),
});

/**
 * Two phases: chaos until `chaosUntilSec` (every fault window must end by then), then recovery.
 * By `chaosUntilSec + convergeWithinSec` the desk must be hedged again (|net| within netBaseMax)
 * and stay so to the end of the run — the liveness check, next to the safety checks of chaos.
 */
export const phasesSchema = z.strictObject({
  chaosUntilSec: durationSecPositive(),
  convergeWithinSec: durationSecPositive(),
});

// ── Faults: one small schema per kind; a new kind is one const plus one entry in FAULT_SCHEMAS ─

/**
 * A seeded random process instead of one window: occurrences start at exponential intervals
 * (`ratePerHour` on average) within the fault's span (`atSec` … `atSec + durationSec`), each
 * lasting a duration drawn uniformly from `durationSecMin` … `durationSecMax`, cut short at the span's end.
 */
export const faultProcessSchema = z
  .strictObject({
    ratePerHour: z.number().positive(),
    durationSecMin: durationSecPositive(),
    durationSecMax: durationSecPositive(),
  })
  .refine((p) => p.durationSecMax >= p.durationSecMin, { message: 'durationSecMax must be at least durationSecMin', path: ['durationSecMax'] });

/**
 * Shared by every kind: the window on one venue, relative to the run's start — or, with
 * `process`, the span in which a seeded random process of such windows runs.
 */
const faultWindow = {
  atSec: durationSecNonNegative(),
  durationSec: durationSecPositive(),
  process: faultProcessSchema.optional(),
};

/** A chance per request, 0…1. */
const probability = z.number().min(0).max(1);

/** How a venue fails during an outage: connection refused, reset, no answer (timeout) or 5xx. */
export const OUTAGE_MODES = ['refused', 'reset', 'timeout', 'http5xx', 'cdn'] as const;
export const OUTAGE_SCOPES = ['all', 'public', 'private', 'orders', 'marketData'] as const;

/** The venue does not answer properly for the window. */
export const outageFaultSchema = z.strictObject({
  venue: venueIdSchema,
  kind: z.literal('outage'),
  ...faultWindow,
  mode: z.enum(OUTAGE_MODES).default('timeout'),
  /** Which requests fail: all, public (unsigned), private (signed), orders, marketData. */
  scope: z.enum(OUTAGE_SCOPES).default('all'),
  /** Chance that a request in scope fails (1: every one; less: a flaky path, one bad node behind the balancer). */
  probability: probability.default(1),
});

/**
 * A rate-limit window. With `budgetPct` the venue's own limits (the dialect's published ones)
 * shrink to that percent and 429s are earned by usage, with the real `Retry-After`. Without it,
 * every request is answered 429 with `retryAfterSec` (a 429 storm). Ignoring `Retry-After`
 * escalates to a ban: `banSec` fixes its length, else the dialect's growing ladder applies.
 */
export const rateLimitFaultSchema = z
  .strictObject({
    venue: venueIdSchema,
    kind: z.literal('rateLimit'),
    ...faultWindow,
    /** The venue's published budgets shrink to this percent for the window; 429s are then earned by usage, with the real Retry-After. */
    budgetPct: z.number().positive().max(100).optional(),
    /** A forced 429 window's Retry-After (without budgetPct); 10 s when left out. */
    retryAfterSec: durationSecPositive().optional(),
    /** Length of the ban a client earns by ignoring Retry-After; left out, the dialect's growing ladder (Binance: 2 min doubling). */
    banSec: durationSecPositive().optional(),
    /** Requests inside Retry-After the venue tolerates before the ban; left out, the dialect's own (Binance USDⓈ-M: 2). */
    ignoredMax: z.number().int().nonnegative().optional(),
    /** Chance that a request in a forced 429 window is refused. */
    probability: probability.default(1),
  })
  .refine((f) => f.budgetPct === undefined || f.retryAfterSec === undefined, {
    message: 'retryAfterSec is for a forced 429 window; with budgetPct the venue sends the real Retry-After (the time until its budget refills). Remove one of them',
    path: ['retryAfterSec'],
  });

/** The venue announces maintenance and refuses trading for the window. */
export const maintenanceFaultSchema = z.strictObject({
  venue: venueIdSchema,
  kind: z.literal('maintenance'),
  ...faultWindow,
  announcedAheadSec: durationSecNonNegative().default(0),
  /** What still works: `full` nothing, `cancelOnly` cancels, `postOnly` post-only orders, `reduceOnly` position-reducing orders. */
  phase: z.enum(['full', 'cancelOnly', 'postOnly', 'reduceOnly']).default('full'),
  /** Chance that a refused request is refused (a rolling maintenance across nodes hits some). */
  probability: probability.default(1),
});

/** Extra, seeded, log-normal delay on every request to the venue (and so on its matching). */
export const latencyFaultSchema = z
  .strictObject({
    venue: venueIdSchema,
    kind: z.literal('latency'),
    ...faultWindow,
    latencyMsMedian: z.number().nonnegative(),
    latencyMsP99: z.number().nonnegative(),
    /** Chance that a request is delayed at all. */
    probability: probability.default(1),
  })
  .refine((f) => f.latencyMsP99 >= f.latencyMsMedian, { message: 'latencyMsP99 must be at least latencyMsMedian', path: ['latencyMsP99'] });

/** Order placements reach the venue and execute; the answer is lost (timeout) or "execution status unknown". */
export const ackLossFaultSchema = z.strictObject({
  venue: venueIdSchema,
  kind: z.literal('ackLoss'),
  ...faultWindow,
  probability: probability.default(1),
  mode: z.enum(['timeout', 'unknownStatus']).default('timeout'),
});

/** Each request fails with a transient 5xx from the dialect's set with this probability. */
export const errorRateFaultSchema = z.strictObject({
  venue: venueIdSchema,
  kind: z.literal('errorRate'),
  ...faultWindow,
  probability,
});

/** The venue's clock runs `skewMs` ahead (positive) or behind (negative) of true time. */
export const clockSkewFaultSchema = z.strictObject({
  venue: venueIdSchema,
  kind: z.literal('clockSkew'),
  ...faultWindow,
  skewMs: z.number().int(),
});

/** Tickers and books freeze at the window's start while the venue keeps trading at the true price. */
export const staleDataFaultSchema = z.strictObject({
  venue: venueIdSchema,
  kind: z.literal('staleData'),
  ...faultWindow,
});

/** Account reads answer as of `lagSec` ago while the venue trades on (eventual consistency after a write). */
export const readLagFaultSchema = z.strictObject({
  venue: venueIdSchema,
  kind: z.literal('readLag'),
  ...faultWindow,
  lagSec: durationSecPositive(),
});

/** Every fault kind's schema; the discriminated union is built from this list. */
export const FAULT_SCHEMAS = [
  outageFaultSchema,
  rateLimitFaultSchema,
  maintenanceFaultSchema,
  latencyFaultSchema,
  ackLossFaultSchema,
  errorRateFaultSchema,
  clockSkewFaultSchema,
  staleDataFaultSchema,
  readLagFaultSchema,
] as const;
/** Fault kind names, from FAULT_SCHEMAS. */
export const FAULT_KINDS = FAULT_SCHEMAS.map((s) => s.shape.kind.value) as [FaultKind, ...FaultKind[]];

/** Any fault, by `kind`. */
export const faultSchema = noted(z.discriminatedUnion('kind', FAULT_SCHEMAS), { noun: 'fault' });

// ── Expectations and the whole scenario ─────────────────────────────────────────────────────

/**
 * The invariants a run checks, by name (src/invariants, plus `policyHealthy` for a policy that
 * crashed); listed here because the scenario layer does not import the simulator. A test keeps
 * the two in step.
 */
export const INVARIANT_NAMES = ['exposure', 'retryAfter', 'noBan', 'grossPerVenue', 'marginUse', 'converged', 'noLiquidation', 'noDoubleHedge', 'probeBudget', 'reconciled', 'policyHealthy'] as const;

/** How the run should end for the reference engine. */
export const expectSchema = z
  .strictObject({
    outcome: z.enum(['passed', 'violated']).default('passed'),
    /** Name of the invariant expected to break, when `outcome` is "violated". */
    invariant: z.enum(INVARIANT_NAMES).optional(),
  })
  .default(() => ({ outcome: 'passed' as const }));

/** A whole scenario file. Parse text with `parseScenario`, which adds positions and the cross-field checks. */
export const scenarioSchema = z.strictObject({
  /**
   * Reuse: a base scenario file (relative to this one) merged under this file — mappings key by
   * key, lists and values replaced, `null` removes. Resolved before validation (compose.ts).
   */
  extends: z.string().regex(/\.(?:ya?ml|json)$/).optional(),
  /**
   * Reuse: field path → list of values (`seed: [1, 2]`, `"faults[0].durationSec": [1m, 5m]`); the
   * file expands into one run per combination, named `<name>--<axis>-<value>…`. Resolved before validation.
   */
  matrix: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
  name: nameSchema,
  description: z.string().default(''),
  sources: z.array(z.url()).optional(),
  seed: z.int().min(0).max(0xffff_ffff),
  durationSec: duration(z.number().positive().max(RUN_SEC_MAX)),
  market: marketsSchema,
  venues: z.array(venueSchema).min(1),
  inventory: z.array(inventoryStepSchema).default(() => []),
  limits: limitsSchema,
  faults: z.array(faultSchema).default(() => []),
  policy: policySchema.default(REFERENCE_POLICY),
  expect: expectSchema,
  phases: phasesSchema.optional(),
  /** Budget of virtual timers the driver may fire (not trace events); running out makes the outcome "interrupted". */
  eventsMax: z.int().positive().default(2_000_000),
});

// ── Types ───────────────────────────────────────────────────────────────────────────────────

/** A loaded scenario: every default applied, every duration in seconds. */
export type Scenario = z.output<typeof scenarioSchema>;
/** What a file may say (durations as numbers or strings, defaulted fields optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type FaultSpec = z.output<typeof faultSchema>;
export type FaultKind = z.output<(typeof FAULT_SCHEMAS)[number]>['kind'];
export type OutageFaultSpec = z.output<typeof outageFaultSchema>;
export type RateLimitFaultSpec = z.output<typeof rateLimitFaultSchema>;
export type MaintenanceFaultSpec = z.output<typeof maintenanceFaultSchema>;
export type VenueSpec = z.output<typeof venueSchema>;
export type MarketSpec = z.output<typeof marketSchema>;
export type GapSpec = z.output<typeof gapSchema>;
export type AssetLimits = z.output<typeof assetLimitsSchema>;
export type InventoryStep = z.output<typeof inventoryStepSchema>;
export type InventoryFlow = z.output<typeof inventoryFlowSchema>;
export type Phases = z.output<typeof phasesSchema>;
export type Limits = z.output<typeof limitsSchema>;
