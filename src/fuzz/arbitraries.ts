import fc from 'fast-check';
import type { FaultKind } from '../scenario/index.ts';

/**
 * fast-check arbitraries for fault schedules, market paths and jumps, inventory steps and flows
 * over a fixed set of venues and a run length — what `fuzz` searches, exported for desks' own
 * property tests (the barrel, ./index.ts, also re-exports the whole-scenario arbitrary).
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
 * // Some venue always gets a minute's respite in every five:
 * faultScheduleArbitrary(frame, { healthyWindow: { healthySec: 60, everySec: 300 } });
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

/** A stretch in which the market prints nothing, then reopens `pct` away (see the market `gaps` schema). */
export interface GapInput {
  atSec: number;
  durationSec: number;
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
   * Some venue stays healthy for a while in every stretch of the run: "at least one venue healthy
   * for `healthySec` s in every `everySec` s". Windows that would break it are dropped, earliest
   * kept, like `maxConcurrentDown` (and after it, when both are set). See `keepHealthyWindow` for
   * exactly what is promised. Default: no such budget.
   */
  healthyWindow?: HealthyWindow;
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
        // Not below 20 %: Bybit bans (403, 10 min) on the first breach of its IP limit, with no 429
        // or usage header before it, so a silent cut to a few percent bans any desk on its first
        // requests — a schedule no policy can meet, which the search should not spend runs on.
        fc.record({ budgetPct: fc.integer({ min: 20, max: 50 }) }),
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
  if (options.healthyWindow !== undefined) checkHealthyWindow(options.healthyWindow);
  return fc.tuple(perKind, enabled).map(([lists, on]) => {
    let faults = lists.flatMap((list, i) => (on[i] === true ? list : [])).sort((a, b) => a.atSec - b.atSec);
    if (options.maxConcurrentDown !== undefined) faults = keepConcurrentDownWithin(faults, options.maxConcurrentDown);
    // Dropping DOWN_KINDS windows never adds a venue down, so the first budget still holds after the second.
    if (options.healthyWindow !== undefined) faults = keepHealthyWindow(faults, { ...frame, ...options.healthyWindow });
    return faults;
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

/** "At least one venue healthy for `healthySec` s in every `everySec` s" (healthySec ≤ everySec). */
export interface HealthyWindow {
  healthySec: number;
  everySec: number;
}

function checkHealthyWindow(w: HealthyWindow): void {
  if (!(w.healthySec > 0 && w.everySec >= w.healthySec && Number.isFinite(w.everySec))) {
    throw new RangeError(`venuechaos: healthyWindow needs 0 < healthySec <= everySec, found healthySec ${w.healthySec}, everySec ${w.everySec}`);
  }
}

/** [start, end) stretches, seconds. */
type Stretch = readonly [number, number];

/**
 * Drops DOWN_KINDS windows, in start order, that would break "at least one venue healthy for
 * `healthySec` s in every `everySec` s"; others pass untouched. Pure.
 *
 * Precisely: a venue is *healthy* at an instant when none of the schedule's DOWN_KINDS windows on
 * it covers that instant (latency, lost acks, read lag, stale data and clock skew do not count, as
 * for `maxConcurrentDown`; nor do a ban or a Retry-After the policy earns itself — those are not in
 * the schedule). The promise: for every stretch [s, s + everySec] inside [0, frame.durationSec]
 * there is a venue healthy throughout some sub-stretch of `healthySec` contiguous seconds. A run
 * shorter than `everySec` counts as one stretch, the whole run, and then asks for
 * min(healthySec, run) seconds. Windows are [atSec, atSec + durationSec): a venue is healthy again
 * at the instant its window ends.
 *
 * The check is exact for any real window bounds: let P be the instants p at which some venue is
 * healthy throughout [p, p + healthySec]; a stretch of `everySec` is served iff it holds a p with
 * [p, p + healthySec] inside it, so the promise holds iff every closed interval of length
 * everySec − healthySec in [0, duration − healthySec] meets P — no hole in P longer than that.
 */
export function keepHealthyWindow<F extends FaultInput>(faults: readonly F[], budget: HealthyWindow & Pick<FuzzFrame, 'venueIds' | 'durationSec'>): F[] {
  checkHealthyWindow(budget);
  const kept: F[] = [];
  const down: F[] = [];
  for (const f of [...faults].sort((a, b) => a.atSec - b.atSec)) {
    if (!DOWN_KINDS.includes(f.kind)) {
      kept.push(f);
      continue;
    }
    if (healthyWindowHolds([...down, f], budget)) {
      kept.push(f);
      down.push(f);
    }
  }
  return kept;
}

/** Whether `down` (DOWN_KINDS windows only) keeps the promise of `keepHealthyWindow`. Pure. */
export function healthyWindowHolds(down: readonly FaultInput[], budget: HealthyWindow & Pick<FuzzFrame, 'venueIds' | 'durationSec'>): boolean {
  const durationSec = budget.durationSec;
  const everySec = Math.min(budget.everySec, durationSec);
  const healthySec = Math.min(budget.healthySec, everySec);
  // Starts p of a healthy [p, p + healthySec], clipped to [0, duration − healthySec], over all venues.
  const lastStart = durationSec - healthySec;
  const starts: Stretch[] = [];
  for (const venue of budget.venueIds) {
    for (const [a, b] of healthyStretches(down.filter((f) => f.venue === venue), durationSec)) {
      const lo = Math.max(0, a);
      const hi = Math.min(lastStart, b - healthySec);
      if (hi >= lo) starts.push([lo, hi]);
    }
  }
  starts.sort((x, y) => x[0] - y[0]);
  const holeMax = everySec - healthySec;
  // Walk the union of `starts` from 0 to lastStart; any hole longer than holeMax breaks it.
  let reached = -Infinity;
  let prevEnd: number | undefined;
  for (const [lo, hi] of starts) {
    if (lo > reached) {
      // A hole (prevEnd, lo), or from the start of the run to lo.
      if (prevEnd === undefined ? lo > holeMax : lo - prevEnd > holeMax) return false;
    }
    if (hi > reached) reached = hi;
    prevEnd = reached;
  }
  if (prevEnd === undefined) return false;
  return lastStart - prevEnd <= holeMax;
}

/** The stretches of [0, durationSec] that no window in `windows` covers. Pure. */
function healthyStretches(windows: readonly FaultInput[], durationSec: number): Stretch[] {
  const sorted = windows.map((w): Stretch => [w.atSec, w.atSec + w.durationSec]).sort((x, y) => x[0] - y[0]);
  const out: Stretch[] = [];
  let from = 0;
  for (const [a, b] of sorted) {
    if (a > from) out.push([from, Math.min(a, durationSec)]);
    from = Math.max(from, b);
    if (from >= durationSec) return out;
  }
  out.push([from, durationSec]);
  return out;
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

export interface MarketGapsOptions {
  /** Gaps at most (default 1). */
  gapsMax?: number;
  /** Longest gap, seconds (default 120). */
  durationSecMax?: number;
  /** Largest |move| added at the reopening, percent (default 10). */
  pctMax?: number;
}

/**
 * Stretches in which the market stops printing and reopens elsewhere, inside the frame, in time
 * order and never overlapping (a later gap starts once the one before has reopened; one that
 * cannot is dropped). Whole seconds and percents; shrinks toward fewer, earlier, shorter gaps
 * that reopen where the path is (pct 0).
 */
export function marketGapsArbitrary(frame: Pick<FuzzFrame, 'durationSec'>, options: MarketGapsOptions = {}): fc.Arbitrary<GapInput[]> {
  const durationSec = Math.max(1, Math.floor(frame.durationSec));
  const pctMax = Math.max(0, Math.floor(options.pctMax ?? 10));
  const gap = fc.record({
    atSec: fc.integer({ min: 0, max: durationSec - 1 }),
    lengthSec: fc.integer({ min: 1, max: Math.max(1, Math.floor(options.durationSecMax ?? 120)) }),
    pct: fc.integer({ min: -pctMax, max: pctMax }),
  });
  return fc.array(gap, { maxLength: options.gapsMax ?? 1 }).map((gaps) => {
    const out: GapInput[] = [];
    for (const g of [...gaps].sort((a, b) => a.atSec - b.atSec)) {
      const last = out[out.length - 1];
      if (last !== undefined && g.atSec < last.atSec + last.durationSec) continue;
      out.push({ atSec: g.atSec, durationSec: Math.min(g.lengthSec, durationSec - g.atSec), pct: g.pct });
    }
    return out;
  });
}

/** A random flow of client trades as a scenario file writes it (see the inventory `flow` schema). */
export interface InventoryFlowInput {
  atSec: number;
  flow: { durationSec: number; ratePerHour: number; baseMax: number; buyPct?: number };
}

export interface InventoryFlowOptions {
  /** Flows at most (default 2). */
  flowsMax?: number;
  /** Highest average rate of trades, per hour (default 360: one every 10 s). A run's cost grows with it. */
  ratePerHourMax?: number;
  /** Largest single trade's `baseMax`, base units (default 1). */
  baseMaxMax?: number;
}

/**
 * Seeded random inventory flows inside the frame, in time order: each starts at `atSec` and ends
 * by the frame's end; its trades (drawn by the run from the scenario's seed) arrive at
 * `ratePerHour` on average, each up to `baseMax`, buying with chance `buyPct`. Shrinks toward
 * fewer, earlier, shorter, slower flows of small trades, balanced (buyPct 50, the default, left out).
 */
export function inventoryFlowArbitrary(frame: Pick<FuzzFrame, 'durationSec'>, options: InventoryFlowOptions = {}): fc.Arbitrary<InventoryFlowInput[]> {
  const durationSec = Math.max(1, Math.floor(frame.durationSec));
  const rateMax = Math.max(1, Math.floor(options.ratePerHourMax ?? 360));
  const milliMax = Math.max(1, Math.round((options.baseMaxMax ?? 1) * 1000));
  const flow = fc
    .record({
      atSec: fc.integer({ min: 0, max: durationSec - 1 }),
      lengthSec: fc.integer({ min: 1, max: durationSec }),
      ratePerHour: fc.integer({ min: 1, max: rateMax }),
      baseMilli: fc.integer({ min: 1, max: milliMax }),
      // Offset from 50 (balanced, the default), so shrinking reaches the default.
      buyOffset: fc.integer({ min: -50, max: 50 }),
    })
    .map((f): InventoryFlowInput => ({
      atSec: f.atSec,
      flow: {
        durationSec: Math.min(f.lengthSec, durationSec - f.atSec),
        ratePerHour: f.ratePerHour,
        baseMax: f.baseMilli / 1000,
        ...(f.buyOffset !== 0 ? { buyPct: 50 + f.buyOffset } : {}),
      },
    }));
  return fc.array(flow, { maxLength: options.flowsMax ?? 2 }).map((flows) => [...flows].sort((a, b) => a.atSec - b.atSec));
}

/** How the mid price moves: the market section's path fields as a file writes them. */
export interface MarketPathInput {
  volatilityAnnual: number;
  driftAnnual: number;
  jumps: JumpInput[];
  /** Only when `gaps` options are given (otherwise the draws are those of paths without gaps). */
  gaps?: GapInput[];
}

export interface MarketPathOptions {
  /** Highest annualized volatility (default 2: 200 %, a crash day's). Drawn in steps of 0.01 from 0. */
  volatilityAnnualMax?: number;
  /** Largest |annualized drift| (default 1). Drawn in steps of 0.01. */
  driftAnnualAbsMax?: number;
  /**
   * What shrinking moves toward (default the schema's defaults, volatility 0.5 and drift 0): give
   * the base's values so a shrunk counterexample keeps the base's market where it does not matter.
   * Clamped into the bounds.
   */
  shrinkToward?: { volatilityAnnual: number; driftAnnual: number };
  /** Price jumps, or false for none (default: marketJumpsArbitrary's defaults). */
  jumps?: MarketJumpsOptions | false;
  /** Price gaps (true: marketGapsArbitrary's defaults). Default none. */
  gaps?: MarketGapsOptions | boolean;
}

/** An integer in [min, max] that shrinks toward `target` (clamped into the range). */
function integerToward(min: number, max: number, target: number): fc.Arbitrary<number> {
  const t = Math.min(max, Math.max(min, Math.round(target)));
  return fc.integer({ min: min - t, max: max - t }).map((d) => t + d);
}

/**
 * A price path for the frame: volatility, drift, jumps and, when asked, gaps. Volatility and
 * drift in steps of 0.01, within the bounds.
 */
export function marketPathArbitrary(frame: Pick<FuzzFrame, 'durationSec'>, options: MarketPathOptions = {}): fc.Arbitrary<MarketPathInput> {
  const volCentMax = Math.max(0, Math.round((options.volatilityAnnualMax ?? 2) * 100));
  const driftCentMax = Math.max(0, Math.round((options.driftAnnualAbsMax ?? 1) * 100));
  const toward = options.shrinkToward ?? { volatilityAnnual: 0.5, driftAnnual: 0 };
  return fc.record({
    volatilityAnnual: integerToward(0, volCentMax, toward.volatilityAnnual * 100).map((c) => c / 100),
    driftAnnual: integerToward(-driftCentMax, driftCentMax, toward.driftAnnual * 100).map((c) => c / 100),
    jumps: options.jumps === false ? fc.constant([]) : marketJumpsArbitrary(frame, options.jumps),
    ...(options.gaps !== undefined && options.gaps !== false ? { gaps: marketGapsArbitrary(frame, options.gaps === true ? {} : options.gaps) } : {}),
  });
}
