import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../sim/run.ts';

/** The machine-readable summary: what `summary.json` holds. */
export interface Summary {
  scenario: string;
  seed: number;
  outcome: RunResult['outcome'];
  expected: RunResult['expected'];
  meetsExpectation: boolean;
  invariants: Array<{ name: string; passed: boolean; firstViolation: RunResult['invariants'][number]['firstViolation']; numViolations: number; note?: string }>;
  traceHash: string;
  simulatedMs: number;
  wallMs: number;
  requests: RunResult['requests'];
  faultsInjected: RunResult['faultsInjected'];
  faultsScheduled: RunResult['faultsScheduled'];
  policy: string;
  traceEvents: number;
  reason?: string;
  replay: string;
}

export function toSummary(result: RunResult, replay: string): Summary {
  return {
    scenario: result.scenario,
    seed: result.seed,
    outcome: result.outcome,
    expected: result.expected,
    meetsExpectation: meetsExpectation(result),
    invariants: result.invariants.map((i) => ({ name: i.name, passed: i.passed, firstViolation: i.firstViolation, numViolations: i.numViolations, ...(i.note !== undefined ? { note: i.note } : {}) })),
    traceHash: result.traceHash,
    simulatedMs: result.simulatedMs,
    wallMs: result.wallMs,
    requests: result.requests,
    faultsInjected: result.faultsInjected,
    faultsScheduled: result.faultsScheduled,
    policy: result.policy,
    traceEvents: result.trace.events.length,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    replay,
  };
}

/** Did the run end the way the scenario says it should (outcome, and the named invariant if any)? */
export function meetsExpectation(result: Pick<RunResult, 'outcome' | 'expected' | 'invariants'>): boolean {
  if (result.outcome !== result.expected.outcome) return false;
  if (result.expected.outcome === 'violated' && result.expected.invariant !== undefined) {
    return result.invariants.some((i) => i.name === result.expected.invariant && !i.passed);
  }
  return true;
}

/**
 * Writes `summary.json` and `trace.ndjson` into `dir`, each atomically (temp file + rename), so a
 * crash or Ctrl-C never leaves a half-written report that looks whole.
 */
export async function writeReport(dir: string, summary: Summary, result: RunResult): Promise<{ summaryPath: string; tracePath: string }> {
  await mkdir(dir, { recursive: true });
  const summaryPath = join(dir, 'summary.json');
  const tracePath = join(dir, 'trace.ndjson');
  await writeAtomic(tracePath, result.trace.toNdjson());
  await writeAtomic(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  return { summaryPath, tracePath };
}

/** Writes a file atomically: a temp file beside it, then a rename (a reader never sees half of it). */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, path);
}
