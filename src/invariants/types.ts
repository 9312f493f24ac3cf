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
}

export interface InvariantInput {
  trace: readonly TraceEvent[];
  faults: FaultSchedule;
  /** Absolute virtual ms of the run's start (fault windows are absolute). */
  startMs: number;
  durationMs: number;
  venues: readonly string[];
  limits: { netBaseMax: number; hedgeWithinSec: number; unhedgedSecMax?: number | undefined };
  /** The run's base coin (e.g. "BTC"): its balances on venues count in exposure. */
  baseAsset?: string;
}

export interface Invariant {
  readonly name: string;
  readonly description: string;
  check(input: InvariantInput): InvariantResult;
}

export function result(name: string, violations: Violation[]): InvariantResult {
  return { name, passed: violations.length === 0, firstViolation: violations[0] ?? null, numViolations: violations.length };
}
