import type { FaultSchedule } from '../faults/index.ts';
import type { TraceEvent } from '../sim/trace.ts';

/** Where and when an invariant first broke, and by how much. */
export interface Violation {
  /** Virtual ms since the run started. */
  tMs: number;
  message: string;
  venue?: string;
  /** How far past the limit (units in the message). */
  excess?: number;
}

export interface InvariantResult {
  name: string;
  passed: boolean;
  firstViolation: Violation | null;
  /** How many violations in total (the first is reported in full). */
  numViolations: number;
  /** Why a passing result checked nothing, e.g. its limit is not set in the scenario. */
  note?: string;
}

export interface InvariantInput {
  trace: readonly TraceEvent[];
  faults: FaultSchedule;
  /** Absolute virtual ms of the run's start (fault windows are absolute). */
  startMs: number;
  durationMs: number;
  venues: readonly string[];
  limits: {
    netBaseMax: number;
    hedgeWithinSec: number;
    unhedgedSecMax?: number | undefined;
    /** Largest |position| (perp) or base coins held (spot) on any one venue, base units. */
    grossBaseMaxPerVenue?: number | undefined;
    /** Largest initial margin in use on a perp venue, percent of its margin balance (0–100). */
    marginUsePctMax?: number | undefined;
    /** Requests per rolling 60 s to a venue known down (probeBudget); unset: that invariant's default. */
    downProbesPerMinMax?: number | undefined;
  };
  /** Chaos until `chaosUntilSec`, then recovery: hedged by `chaosUntilSec + convergeWithinSec` and after. */
  phases?: { chaosUntilSec: number; convergeWithinSec: number } | undefined;
  /** The run's base coin (e.g. "BTC"): its balances on venues count in exposure. */
  baseAsset?: string;
  /**
   * Every coin of the run, in order, with its own limits; the first is the one `baseAsset` and
   * `limits.netBaseMax` describe. With two or more, `checkInvariants` splits the trace per coin and
   * runs the coin-specific invariants once per coin (per-asset.ts); with none or one nothing
   * changes.
   */
  assets?: ReadonlyArray<AssetLimits> | undefined;
}

/** One coin of a run and the limits it is held to (the other limits are the run's, shared). */
export interface AssetLimits {
  /** The base coin, e.g. "ETH". */
  asset: string;
  netBaseMax: number;
  grossBaseMaxPerVenue?: number | undefined;
}

/**
 * A check of a run's trace. In a multi-coin run it runs once on the whole trace unless it is one
 * of `PER_ASSET_INVARIANTS` (per-asset.ts: those that reason about one coin's holdings).
 */
export interface Invariant {
  readonly name: string;
  readonly description: string;
  check(input: InvariantInput): InvariantResult;
}

export function result(name: string, violations: Violation[], note?: string): InvariantResult {
  return { name, passed: violations.length === 0, firstViolation: violations[0] ?? null, numViolations: violations.length, ...(note !== undefined ? { note } : {}) };
}

/** A check whose limit the scenario does not set: it passes, and says it checked nothing. */
export function notConfigured(name: string, what: string): InvariantResult {
  return result(name, [], `not checked: ${what} is not set in the scenario`);
}

/** Virtual ms as the report writes times: "+12.345 s". */
export function atSec(tMs: number): string {
  return `+${(tMs / 1000).toFixed(3)} s`;
}
