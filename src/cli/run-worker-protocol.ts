import type { Summary } from '../report/write.ts';

/**
 * Messages between the CLI and its run worker (src/cli/run-in-worker.ts, src/cli/run-worker.ts).
 * Plain data: they cross a thread boundary by structured clone.
 */

/** Parent → worker: run one run of a scenario file. */
export interface RunRequest {
  type: 'run';
  file: string;
  /** The run's name in its file (a file without a matrix has one run). */
  runName: string;
  seed?: number;
  /** "reference" or a module path, resolved against `policyDir`. */
  policySpec: string;
  policyDir: string;
  replay: string;
}

/** The policy's last `ctx.log`, for a watchdog message. */
export interface LastDecision {
  tMs: number;
  message: string;
}

/** Worker → parent, every `HEARTBEAT_MS` of wall time while the thread is free: proof of life plus the trace so far. */
export interface Heartbeat {
  type: 'heartbeat';
  /** Set once the run has started (virtual ms since its start). */
  virtualMs?: number;
  policy?: string;
  traceEvents: number;
  lastDecision?: LastDecision;
  /** Trace events since the previous heartbeat, as NDJSON lines (the report's trace.ndjson is their concatenation). */
  ndjson: string;
}

/** Worker → parent: the run ended; `ndjson` holds the trace's remaining lines. */
export interface RunDone {
  type: 'done';
  summary: Summary;
  ndjson: string;
  /** The policy failed: the worker may hold its leftovers (loops, timers), so it is not reused. */
  policyFailed: boolean;
}

/** Worker → parent: the run threw (a venuechaos bug, or a policy that no longer loads). */
export interface RunCrashed {
  type: 'crashed';
  error: string;
}

export type WorkerMessage = Heartbeat | RunDone | RunCrashed;

/**
 * The worker keeps a function under this global symbol that returns a `RunSnapshot` as JSON; the
 * watchdog calls it through the inspector while the stuck thread is paused, to get the exact
 * virtual time, the last decision and the rest of the trace.
 */
export const RUN_SNAPSHOT_SYMBOL = 'venuechaos.runSnapshot';

/** What the worker knows when the watchdog pauses it. */
export interface RunSnapshot {
  virtualMs?: number;
  policy?: string;
  traceEvents: number;
  lastDecision?: LastDecision;
  /** Trace lines not yet sent in a heartbeat. */
  ndjson: string;
}

/** Wall ms between heartbeats. */
export const HEARTBEAT_MS = 200;
