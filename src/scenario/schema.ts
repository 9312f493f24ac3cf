import { z } from 'zod';
import { DURATION_FORMAT, parseDuration } from './duration.ts';

/**
 * The scenario format, v0: one zod schema, strict (unknown keys are errors), every default
 * stated here. Units are in the names (`atSec`, `latencyMs`); `*Sec` fields also take "10m",
 * "1h30m", "90s", "500ms".
 */

/** Dialects a venue can speak. A new dialect is one entry here (and one in src/sim/run.ts). */
export const DIALECT_NAMES = ['binanceusdm'] as const;
/** Symbols each dialect lists. */
export const DIALECT_SYMBOLS: Readonly<Record<(typeof DIALECT_NAMES)[number], readonly string[]>> = {
  binanceusdm: ['BTC/USDT:USDT', 'ETH/USDT:USDT'],
};

const duration = (what: string) =>
  z.union([z.number(), z.string()]).transform((value, ctx): number => {
    if (typeof value === 'number') return value;
    const parsed = parseDuration(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: `${what}: ${parsed.message}`, params: { expected: DURATION_FORMAT, found: JSON.stringify(value) } });
      return z.NEVER;
    }
    return parsed.sec;
  });

const positiveDuration = (what: string) =>
  duration(what).refine((s) => s > 0, { message: `${what} must be greater than 0`, params: { expected: 'a duration > 0' } });
const nonNegativeDuration = (what: string) =>
  duration(what).refine((s) => s >= 0, { message: `${what} must be 0 or more`, params: { expected: 'a duration ≥ 0' } });

const venueId = z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'venue ids are lower-case letters, digits and dashes, starting with a letter' });

const faultWindow = {
  venue: venueId,
  atSec: nonNegativeDuration('atSec'),
  durationSec: positiveDuration('durationSec'),
};

export const outageFaultSchema = z.strictObject({
  ...faultWindow,
  kind: z.literal('outage'),
  mode: z.enum(['refused', 'reset', 'timeout', 'http5xx']).default('timeout'),
});

export const rateLimitFaultSchema = z.strictObject({
  ...faultWindow,
  kind: z.literal('rateLimit'),
  retryAfterSec: positiveDuration('retryAfterSec').default(10),
  banSec: positiveDuration('banSec').default(120),
});

export const maintenanceFaultSchema = z.strictObject({
  ...faultWindow,
  kind: z.literal('maintenance'),
  announcedAheadSec: nonNegativeDuration('announcedAheadSec').default(0),
});

export const FAULT_KINDS = ['outage', 'rateLimit', 'maintenance'] as const;

export const faultSchema = z.discriminatedUnion('kind', [outageFaultSchema, rateLimitFaultSchema, maintenanceFaultSchema]);

export const venueSchema = z.strictObject({
  id: venueId,
  dialect: z.enum(DIALECT_NAMES),
  balances: z.record(z.string(), z.number().nonnegative()).default({ USDT: 100_000 }),
  positions: z.array(z.strictObject({ symbol: z.string(), base: z.number() })).default([]),
  feeTakerBps: z.number().nonnegative().default(4),
  feeMakerBps: z.number().default(2),
  leverage: z.number().int().min(1).max(125).default(10),
  latencyMs: z.number().nonnegative().default(5),
});

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'names are kebab-case: lower-case letters, digits and dashes' }),
  description: z.string().default(''),
  sources: z.array(z.string().url()).default([]),
  seed: z.number().int().min(0).max(0xffffffff),
  durationSec: positiveDuration('durationSec'),
  market: z.strictObject({
    symbol: z.string().default('BTC/USDT:USDT'),
    priceStart: z.number().positive(),
    volatilityAnnual: z.number().nonnegative().default(0.5),
    driftAnnual: z.number().default(0),
    jumps: z.array(z.strictObject({ atSec: nonNegativeDuration('atSec'), pct: z.number().gt(-100) })).default([]),
  }),
  venues: z.array(venueSchema).min(1),
  inventory: z.array(z.strictObject({ atSec: nonNegativeDuration('atSec'), base: z.number() })).default([]),
  limits: z.strictObject({
    netBaseMax: z.number().positive(),
    hedgeWithinSec: positiveDuration('hedgeWithinSec'),
  }),
  faults: z.array(faultSchema).default([]),
  policy: z
    .string()
    .refine((p) => p === 'reference' || /\.(ts|js|mjs)$/.test(p), { message: 'policy is "reference" or a path to a .ts/.js/.mjs module' })
    .default('reference'),
  expect: z
    .strictObject({
      outcome: z.enum(['passed', 'violated']).default('passed'),
      invariant: z.string().optional(),
    })
    .default({ outcome: 'passed' }),
  eventsMax: z.number().int().positive().default(2_000_000),
});

/** A loaded scenario: defaults applied, durations in seconds. */
export type Scenario = z.output<typeof scenarioSchema>;
/** What a file may say (durations as numbers or strings, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type FaultSpec = z.output<typeof faultSchema>;
export type VenueSpec = z.output<typeof venueSchema>;

/** Keys allowed at each object path, for "did you mean" hints. */
export function allowedKeys(path: readonly (string | number)[]): string[] {
  const p = path.filter((x) => typeof x === 'string');
  const top = Object.keys(scenarioSchema.shape);
  if (p.length === 0) return top;
  switch (p[0]) {
    case 'market':
      return p.length === 1 ? ['symbol', 'priceStart', 'volatilityAnnual', 'driftAnnual', 'jumps'] : ['atSec', 'pct'];
    case 'venues':
      return p.length === 1 ? Object.keys(venueSchema.shape) : ['symbol', 'base'];
    case 'inventory':
      return ['atSec', 'base'];
    case 'limits':
      return ['netBaseMax', 'hedgeWithinSec'];
    case 'expect':
      return ['outcome', 'invariant'];
    case 'faults':
      return [...new Set([...Object.keys(outageFaultSchema.shape), ...Object.keys(rateLimitFaultSchema.shape), ...Object.keys(maintenanceFaultSchema.shape)])];
    default:
      return top;
  }
}
