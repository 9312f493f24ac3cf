import { marketsOf } from '../scenario/markets.ts';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatScenarioErrors, parseScenario, type Scenario } from '../scenario/index.ts';
import {
  faultScheduleArbitrary,
  inventoryFlowArbitrary,
  inventoryStepsArbitrary,
  marketGapsArbitrary,
  marketJumpsArbitrary,
  marketPathArbitrary,
  type FaultInput,
  type FaultScheduleOptions,
  type InventoryFlowInput,
  type InventoryFlowOptions,
  type InventoryStepInput,
  type InventoryStepsOptions,
  type GapInput,
  type JumpInput,
  type MarketGapsOptions,
  type MarketJumpsOptions,
  type MarketPathOptions,
} from './arbitraries.ts';

/**
 * A fuzz candidate: what the search varies over a base scenario (its seed, a shorter run, a fault
 * schedule, extra inventory steps and price jumps; on request the market's volatility and drift and
 * random inventory flows), and how it becomes a scenario document. The base keeps everything else:
 * venues, market, limits, policy, its own inventory and jumps (those inside the shorter run). The
 * base's faults are replaced: the search owns the schedule.
 */

/** What `fuzz` searches: run length, fault schedule budgets, inventory and market moves. */
export interface FuzzSearchOptions extends FaultScheduleOptions {
  /** Shortest candidate run, seconds (default 60). */
  durationSecMin?: number;
  /** Longest candidate run, seconds (default 600; never longer than the base). A run costs roughly 20–60 ms per simulated minute. */
  durationSecMax?: number;
  /** Extra inventory steps, or false for the base's only (default: up to 3 steps of at most 3 base). */
  inventory?: InventoryStepsOptions | false;
  /** Price jumps, or false for the base's only (default: up to 2 jumps of at most 20 %). */
  jumps?: MarketJumpsOptions | false;
  /**
   * Add price gaps on the first market (true: marketGapsArbitrary's bounds); one that would
   * overlap a gap of the base's is dropped. Default off: the same candidates as before the option existed.
   */
  gaps?: boolean | MarketGapsOptions;
  /**
   * Vary the market's volatility and drift too (true: marketPathArbitrary's bounds), shrinking
   * toward the base's. Jumps stay under `jumps`. Default off: the base's path, and the same
   * candidates as before the option existed.
   */
  marketPath?: boolean | Omit<MarketPathOptions, 'jumps' | 'shrinkToward'>;
  /**
   * Add seeded random inventory flows (true: inventoryFlowArbitrary's bounds), inside the frame.
   * Default off: the same candidates as before the option existed.
   */
  inventoryFlows?: boolean | InventoryFlowOptions;
}

/** One point of the search, before it is laid over the base. */
export interface FuzzCandidate {
  seed: number;
  durationSec: number;
  faults: FaultInput[];
  inventory: InventoryStepInput[];
  jumps: JumpInput[];
  /** With `marketPath`: the market's volatility and drift, replacing the base's. */
  market?: { volatilityAnnual: number; driftAnnual: number };
  /** With `inventoryFlows`: random flows added to the base's inventory. */
  flows?: InventoryFlowInput[];
  /** With `gaps`: price gaps added to the first market's. */
  gaps?: GapInput[];
}

/** The candidate run length bounds for a base (min ≤ max ≤ the base's duration). */
export function durationBounds(base: Scenario, search: FuzzSearchOptions): { durationSecMin: number; durationSecMax: number } {
  const durationSecMax = Math.max(1, Math.floor(Math.min(search.durationSecMax ?? 600, base.durationSec)));
  return { durationSecMin: Math.max(1, Math.min(Math.floor(search.durationSecMin ?? 60), durationSecMax)), durationSecMax };
}

/**
 * Candidates over `base`. The schedule is drawn over the longest run (or the base's chaos phase)
 * and cut to the candidate's length when it is laid over the base, so shrinking the run length
 * drops the windows past its end instead of redrawing them.
 */
export function candidateArbitrary(base: Scenario, search: FuzzSearchOptions = {}): fc.Arbitrary<FuzzCandidate> {
  const { durationSecMin, durationSecMax } = durationBounds(base, search);
  const frame = { venueIds: base.venues.map((v) => v.id), durationSec: Math.min(durationSecMax, base.phases?.chaosUntilSec ?? durationSecMax) };
  const marketPath = search.marketPath === true ? {} : search.marketPath === false ? undefined : search.marketPath;
  const inventoryFlows = search.inventoryFlows === true ? {} : search.inventoryFlows === false ? undefined : search.inventoryFlows;
  // The opt-in parts are keys only when asked for, so without them the draws are exactly as before.
  return fc.record({
    seed: fc.nat({ max: 0xffff_ffff }),
    durationSec: fc.integer({ min: durationSecMin, max: durationSecMax }),
    faults: faultScheduleArbitrary(frame, search),
    inventory: search.inventory === false ? fc.constant([]) : inventoryStepsArbitrary(frame, search.inventory),
    jumps: search.jumps === false ? fc.constant([]) : marketJumpsArbitrary(frame, search.jumps),
    ...(marketPath !== undefined
      ? {
          market: marketPathArbitrary(frame, { ...marketPath, jumps: false, shrinkToward: { volatilityAnnual: marketsOf(base.market)[0]!.volatilityAnnual, driftAnnual: marketsOf(base.market)[0]!.driftAnnual } }).map(({ volatilityAnnual, driftAnnual }) => ({ volatilityAnnual, driftAnnual })),
        }
      : {}),
    ...(inventoryFlows !== undefined ? { flows: inventoryFlowArbitrary(frame, inventoryFlows) } : {}),
    ...(search.gaps !== undefined && search.gaps !== false ? { gaps: marketGapsArbitrary(frame, search.gaps === true ? {} : search.gaps) } : {}),
  }) as fc.Arbitrary<FuzzCandidate>;
}

/**
 * The base's markets under the candidate: its jumps and path go to the first market (the primary
 * coin); every market's jumps and gaps are cut to the candidate's run. One market stays one.
 */
function candidateMarkets(base: Scenario, c: FuzzCandidate): unknown {
  const markets = marketsOf(base.market).map((m, i) => ({
    ...m,
    ...(i === 0 ? c.market : {}),
    jumps: [...m.jumps, ...(i === 0 ? c.jumps : [])].filter((j) => j.atSec < c.durationSec).sort((a, b) => a.atSec - b.atSec),
    gaps: clipWindows(
      [...m.gaps, ...(i === 0 ? (c.gaps ?? []).filter((g) => !m.gaps.some((b) => g.atSec < b.atSec + b.durationSec && b.atSec < g.atSec + g.durationSec)) : [])].sort((a, b) => a.atSec - b.atSec),
      c.durationSec,
    ),
  }));
  return Array.isArray(base.market) ? markets : markets[0];
}

/** Windows cut to end by `endSec`; those starting at or after it dropped. Pure. */
export function clipWindows<W extends { atSec: number; durationSec: number }>(windows: readonly W[], endSec: number): W[] {
  return windows.filter((w) => w.atSec < endSec).map((w) => (w.atSec + w.durationSec > endSec ? { ...w, durationSec: endSec - w.atSec } : w));
}

/** Flows cut to end by `endSec`; those starting at or after it dropped. Pure. */
function clipFlows(flows: readonly InventoryFlowInput[], endSec: number): InventoryFlowInput[] {
  return flows.filter((s) => s.atSec < endSec).map((s) => (s.atSec + s.flow.durationSec > endSec ? { ...s, flow: { ...s.flow, durationSec: endSec - s.atSec } } : s));
}

/**
 * The candidate laid over the base, as a scenario document (plain data, durations in seconds):
 * what a file would say. Phases are kept only when they fit the shorter run.
 */
export function candidateDocument(base: Scenario, c: FuzzCandidate): Record<string, unknown> {
  const { extends: _extends, matrix: _matrix, ...rest } = base;
  const phases = base.phases !== undefined && base.phases.chaosUntilSec + base.phases.convergeWithinSec <= c.durationSec ? base.phases : undefined;
  const faultEndSec = phases?.chaosUntilSec ?? c.durationSec;
  const inventory = [
    ...base.inventory.filter((s) => s.atSec < c.durationSec).map((s) => (s.flow === undefined ? s : { ...s, flow: { ...s.flow, durationSec: Math.min(s.flow.durationSec, c.durationSec - s.atSec) } })),
    ...c.inventory.filter((s) => s.atSec < c.durationSec),
    ...clipFlows(c.flows ?? [], c.durationSec),
  ];
  const doc: Record<string, unknown> = {
    ...rest,
    seed: c.seed,
    durationSec: c.durationSec,
    market: candidateMarkets(base, c),
    inventory,
    faults: clipWindows(c.faults, faultEndSec),
  };
  if (phases === undefined) delete doc['phases'];
  return doc;
}

/**
 * The candidate as a loaded scenario, through the same YAML text and loader a user's file goes
 * through, so what runs is exactly what a written counterexample replays. A candidate the loader
 * refuses is a bug in the arbitraries: it throws.
 */
export function candidateScenario(base: Scenario, c: FuzzCandidate): { doc: Record<string, unknown>; scenario: Scenario } {
  const doc = candidateDocument(base, c);
  const parsed = parseScenario(stringify(doc), 'fuzz-candidate.yaml');
  if (!parsed.ok) throw new Error(`venuechaos bug: fuzz made a scenario the loader refuses:\n${formatScenarioErrors(parsed.errors)}\n${JSON.stringify(c)}`);
  return { doc, scenario: parsed.scenario };
}
