import fc from 'fast-check';
import type { FaultKind } from '../scenario/index.ts';

/**
 * fast-check arbitraries for fault schedules, market jumps and inventory steps over a fixed set of
 * venues and a run length — what `fuzz` searches, exported for desks' own property tests.
 *
 * Values are scenario *inputs* in seconds (what a file says), so a counterexample can be written
 * back as YAML as it is. Every arbitrary is built to shrink toward the simplest schedule: fewer
 * entries, windows at +0 s and as short as allowed, and each kind's default options (outage mode
 * "timeout", probability 1, …) first — so a shrunk fault carries few keys beyond its window.
 * Budgets are applied by dropping what breaks them (a `map`, never a `filter`): no generation is
 * wasted and shrinking still works on the underlying lists.
 *
 * @example
 * const frame = { venueIds: ['primary', 'backup'], durationSec: 600 };
 * fc.assert(fc.asyncProperty(faultScheduleArbitrary(frame, { maxConcurrentDown: 1 }), async (faults) => { … }));
 */

/** The venues a schedule may name and the run it must fit in. */
export interface FuzzFrame {
  venueIds: readonly string[];
  /** Every window ends by then (with phases: the end of the chaos phase). */
  durationSec: number;
}

/** A fault as a scenario file writes it: the window in seconds plus the kind's own options. */
export interface FaultInput {
  venue: string;
  kind: FaultKind;
  atSec: number;
  durationSec: number;
  [option: string]: unknown;
}

/** A step in the desk's exposure, base units. */
export interface InventoryStepInput {
  atSec: number;
  base: number;
}

/** A step in the market's mid price, percent. */
export interface JumpInput {
  atSec: number;
  pct: number;
}

/**
 * Kinds that leave a venue unable to take a hedge for their window: what `maxConcurrentDown`
 * counts. Latency, lost acks, read lag, stale data and clock skew degrade a venue; they do not
 * take it away.
 */
export const DOWN_KINDS: readonly FaultKind[] = ['outage', 'maintenance', 'rateLimit', 'errorRate'];

/**
 * Kinds the default search draws from: the ones a desk with a healthy second venue is expected to
 * ride out (src/redundancy/reference.ts). The rest (readLag, staleData, clockSkew) can be turned
 * on with `kinds`.
 */
export const FUZZ_KINDS_DEFAULT: readonly FaultKind[] = ['outage', 'rateLimit', 'maintenance', 'ackLoss', 'errorRate', 'latency'];

export interface FaultScheduleOptions {
  /** Kinds to draw from (default FUZZ_KINDS_DEFAULT). */
  kinds?: readonly FaultKind[];
  /** Windows per kind at most (default 3). */
  faultsMaxPerKind?: number;
  /** Shortest window, seconds (default 5). */
  windowSecMin?: number;
  /** Longest window, seconds (default: the frame's duration). */
  windowSecMax?: number;
  /**
   * At most this many venues in a DOWN_KINDS window at any instant (1: "at most one venue down
   * at a time"). Windows that would break it are dropped, earliest kept. Default: no limit.
   */
  maxConcurrentDown?: number;
  /**
   * Swarm testing: per schedule, turn whole kinds off (each kind's windows are drawn all the same,
   * then kept only when the kind is on), so a run sees a dense mix of a few kinds rather than a
   * thin mix of all. Default true.
   */
  swarm?: boolean;
}

/** Probabilities, the default (1: every request) first so it is what shrinking reaches. */
const probabilityArbitrary = () => fc.constantFrom(1, 0.5, 0.2, 0.05);

/** The options of one kind, with that kind's defaults first (they are left out of the file). */
function kindOptionsArbitrary(kind: FaultKind): fc.Arbitrary<Record<string, unknown>> {
  switch (kind) {
    case 'outage':
      return fc.record({ mode: fc.constantFrom('timeout', 'refused', 'reset', 'http5xx', 'cdn'), scope: fc.constantFrom('all', 'orders', 'private', 'public', 'marketData'), probability: probabilityArbitrary() });
    case 'rateLimit':
      // A forced 429 window (its own Retry-After) or a venue budget cut to a percent: never both.
      return fc.oneof(
        fc.record({ retryAfterSec: fc.integer({ min: 1, max: 60 }), probability: probabilityArbitrary() }),
        fc.record({ budgetPct: fc.integer({ min: 1, max: 50 }) }),
      );
    case 'maintenance':
      return fc.record({ phase: fc.constantFrom('full', 'cancelOnly', 'postOnly', 'reduceOnly'), announcedAheadSec: fc.constantFrom(0, 60, 300) });
    case 'latency':
      return fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 12_000 })).map(([median, extra]) => ({ latencyMsMedian: median, latencyMsP99: median + extra }));
    case 'ackLoss':
      return fc.record({ mode: fc.constantFrom('timeout', 'unknownStatus'), probability: probabilityArbitrary() });
    case 'errorRate':
      return fc.record({ probability: fc.constantFrom(1, 0.5, 0.2) });
    case 'readLag':
      return fc.record({ lagSec: fc.integer({ min: 1, max: 60 }) });
    case 'staleData':
      return fc.constant({});
    case 'clockSkew':
      return fc.record({ skewMs: fc.integer({ min: -60_000, max: 60_000 }) });
  }
}

/** Options equal to the kind's defaults say nothing in a file: left out. */
const DEFAULT_OPTIONS: Readonly<Record<string, unknown>> = { mode: undefined, scope: 'all', probability: 1, phase: 'full', announcedAheadSec: 0 };

function withoutDefaults(kind: FaultKind, options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    // errorRate's probability has no default: it is the fault.
    const isDefault = key === 'mode' ? value === (kind === 'outage' || kind === 'ackLoss' ? 'timeout' : undefined) : kind !== 'errorRate' && DEFAULT_OPTIONS[key] === value;
    if (!isDefault) out[key] = value;
  }
  return out;
}

/** One window of `kind` on one of the frame's venues, inside the frame. */
export function faultArbitrary(frame: FuzzFrame, kind: FaultKind, options: Pick<FaultScheduleOptions, 'windowSecMin' | 'windowSecMax'> = {}): fc.Arbitrary<FaultInput> {
  const durationSec = Math.floor(frame.durationSec);
  const windowSecMin = Math.max(1, Math.min(options.windowSecMin ?? 5, durationSec));
  const windowSecMax = Math.max(windowSecMin, Math.min(options.windowSecMax ?? durationSec, durationSec));
  return fc
    .record({
      venue: fc.constantFrom(...frame.venueIds),
      atSec: fc.integer({ min: 0, max: durationSec - windowSecMin }),
      durationSec: fc.integer({ min: windowSecMin, max: windowSecMax }),
      options: kindOptionsArbitrary(kind),
    })
    .map((f) => ({ venue: f.venue, kind, atSec: f.atSec, durationSec: Math.min(f.durationSec, durationSec - f.atSec), ...withoutDefaults(kind, f.options) }));
}

/**
 * A fault schedule over the frame: up to `faultsMaxPerKind` windows of each kind, in start order,
 * with the swarm mask and the `maxConcurrentDown` budget applied.
 */
export function faultScheduleArbitrary(frame: FuzzFrame, options: FaultScheduleOptions = {}): fc.Arbitrary<FaultInput[]> {
  const kinds = options.kinds ?? FUZZ_KINDS_DEFAULT;
  const perKind = fc.tuple(...kinds.map((kind) => fc.array(faultArbitrary(frame, kind, options), { maxLength: options.faultsMaxPerKind ?? 3 })));
  // Shrinks toward every kind on: a kind turned off never hides a window shrinking could drop itself.
  const enabled = options.swarm === false ? fc.constant(kinds.map(() => true)) : fc.tuple(...kinds.map(() => fc.boolean().map((off) => !off)));
  return fc.tuple(perKind, enabled).map(([lists, on]) => {
    const faults = lists.flatMap((list, i) => (on[i] === true ? list : [])).sort((a, b) => a.atSec - b.atSec);
    return options.maxConcurrentDown === undefined ? faults : keepConcurrentDownWithin(faults, options.maxConcurrentDown);
  });
}

/**
 * Drops DOWN_KINDS windows, in start order, that would put more than `downMax` venues down at
 * once; others pass untouched. Pure. The count only rises at a window's start, so checking the
 * instants where kept windows start inside the candidate's window is enough.
 */
export function keepConcurrentDownWithin<F extends FaultInput>(faults: readonly F[], downMax: number): F[] {
  const kept: F[] = [];
  const down: F[] = [];
  const isDown = (f: FaultInput, t: number): boolean => f.atSec <= t && t < f.atSec + f.durationSec;
  for (const f of [...faults].sort((a, b) => a.atSec - b.atSec)) {
    if (!DOWN_KINDS.includes(f.kind)) {
      kept.push(f);
      continue;
    }
    const instants = [f.atSec, ...down.filter((d) => isDown(f, d.atSec)).map((d) => d.atSec)];
    const fits = instants.every((t) => new Set([f.venue, ...down.filter((d) => isDown(d, t)).map((d) => d.venue)]).size <= downMax);
    if (fits) {
      kept.push(f);
      down.push(f);
    }
  }
  return kept;
}

export interface InventoryStepsOptions {
  /** Steps at most (default 3). */
  stepsMax?: number;
  /** Largest |step|, base units (default 3). */
  baseMax?: number;
}

/** Steps in the desk's exposure inside the frame, in time order; sizes in 0.001 base, never 0. */
export function inventoryStepsArbitrary(frame: Pick<FuzzFrame, 'durationSec'>, options: InventoryStepsOptions = {}): fc.Arbitrary<InventoryStepInput[]> {
  const milliMax = Math.round((options.baseMax ?? 3) * 1000);
  const step = fc.record({
    atSec: fc.integer({ min: 0, max: Math.max(0, Math.floor(frame.durationSec) - 1) }),
    // Shrinks toward +1 base: a plain step the desk must hedge, not toward 0 (no step at all).
    base: fc.tuple(fc.integer({ min: 1, max: milliMax }), fc.boolean()).map(([milli, negative]) => ((negative ? -1 : 1) * milli) / 1000),
  });
  return fc.array(step, { maxLength: options.stepsMax ?? 3 }).map((steps) => [...steps].sort((a, b) => a.atSec - b.atSec));
}

export interface MarketJumpsOptions {
  /** Jumps at most (default 2). */
  jumpsMax?: number;
  /** Largest |move|, percent (default 20). */
  pctMax?: number;
}

/** Steps in the mid price inside the frame, in time order; whole percents, never 0. */
export function marketJumpsArbitrary(frame: Pick<FuzzFrame, 'durationSec'>, options: MarketJumpsOptions = {}): fc.Arbitrary<JumpInput[]> {
  const pctMax = Math.max(1, Math.floor(options.pctMax ?? 20));
  const jump = fc.record({
    atSec: fc.integer({ min: 0, max: Math.max(0, Math.floor(frame.durationSec) - 1) }),
    pct: fc.tuple(fc.integer({ min: 1, max: pctMax }), fc.boolean()).map(([pct, down]) => (down ? -pct : pct)),
  });
  return fc.array(jump, { maxLength: options.jumpsMax ?? 2 }).map((jumps) => [...jumps].sort((a, b) => a.atSec - b.atSec));
}
