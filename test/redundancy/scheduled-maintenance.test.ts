import { describe, expect, test } from 'vitest';
import { meetsExpectation } from '../../src/report/write.ts';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';

/**
 * The reference engine reads announced maintenance off the venues' status endpoints and moves the
 * hedge before the window starts, then back after it. Judged on ground truth: the venues'
 * `venue.position` events in the trace.
 */

function scenario(text: string): Scenario {
  const parsed = parseScenario(text, 'scheduled-maintenance.yaml');
  if (!parsed.ok) throw new Error(`test scenario does not load: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario;
}

/** OKX holds the hedge; it announces a 10-minute window 10 minutes ahead, from +900 s. */
const announcedOnPrimary = (primary: string, backup: string, announcedAheadSec: number): string => `
name: scheduled-maintenance-migrate-first
seed: 5
durationSec: 2400
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.6 }
venues:
  - { id: primary, dialect: ${primary}, balances: { USDT: 200000 } }
  - { id: backup,  dialect: ${backup}, balances: { USDT: 200000 }, latencyMs: 40 }
inventory:
  - { atSec: 0, base: 2 }
  - { atSec: 1200, base: 0.5 }
limits: { netBaseMax: 0.25, hedgeWithinSec: 20 }
faults:
  - { venue: primary, kind: maintenance, atSec: 900, durationSec: 600, announcedAheadSec: ${announcedAheadSec} }
policy: reference
expect: { outcome: passed }
`;

const WINDOW_START_MS = 900_000;
const WINDOW_END_MS = 1_500_000;

/** The venue's signed position at `tMs` (the last `venue.position` at or before it), from the trace. */
function positionAt(events: readonly TraceEvent[], venue: string, tMs: number): number {
  let size = 0;
  for (const e of events) if (e.type === 'venue.position' && e.venue === venue && e.tMs <= tMs) size = Number(e['size']);
  return size;
}

const decisions = (result: RunResult): TraceEvent[] => result.trace.events.filter((e) => e.type === 'decision');

describe('announced maintenance', () => {
  test.each([
    ['okx', 'bybit'],
    ['bybit', 'okx'],
    ['okx', 'binanceusdm'],
  ])('a hedge on %s moves to %s before the announced window starts, and back after it ends', async (primary, backup) => {
    const result = await runScenario(scenario(announcedOnPrimary(primary, backup, 600)));
    const failed = result.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.firstViolation?.message}`);
    expect(failed).toEqual([]);
    expect(meetsExpectation(result)).toBe(true);
    // The window was real: a position read inside it was refused (no order was sent there).
    expect(result.faultsInjected['maintenance'] ?? 0).toBeGreaterThan(0);
    const events = result.trace.events;
    // Before the announcement the primary holds the whole hedge.
    expect(positionAt(events, 'primary', 200_000)).toBe(-2);
    expect(positionAt(events, 'backup', 200_000)).toBe(0);
    // By the window's start it sits on the backup: the move happened before the window.
    expect(positionAt(events, 'primary', WINDOW_START_MS)).toBe(0);
    expect(positionAt(events, 'backup', WINDOW_START_MS)).toBe(-2);
    const moved = decisions(result).find((e) => /maintenance in \d+ s, moving 2 BTC hedge to backup/.test(String(e['message'])));
    expect(moved, 'the move is logged with its reason').toBeDefined();
    expect(moved!.tMs).toBeLessThan(WINDOW_START_MS);
    // Inside the window the rise is hedged on the backup; the primary is left alone.
    expect(positionAt(events, 'primary', WINDOW_END_MS - 1)).toBe(0);
    expect(positionAt(events, 'backup', WINDOW_END_MS - 1)).toBe(-2.5);
    // After the window it fails back: the moved 2 BTC return to the primary.
    const back = decisions(result).find((e) => /maintenance over and venue reconciled, moving 2 BTC hedge back from backup/.test(String(e['message'])));
    expect(back, 'the failback is logged').toBeDefined();
    expect(back!.tMs).toBeGreaterThanOrEqual(WINDOW_END_MS);
    expect(positionAt(events, 'primary', 2_400_000)).toBe(-2);
    expect(positionAt(events, 'backup', 2_400_000)).toBe(-0.5);
    // No order reached the primary inside its window.
    const ordersInWindow = events.filter((e) => e.type === 'venue.order' && e.venue === 'primary' && e.tMs >= WINDOW_START_MS && e.tMs < WINDOW_END_MS);
    expect(ordersInWindow).toEqual([]);
    expect((await runScenario(scenario(announcedOnPrimary(primary, backup, 600)))).traceHash).toBe(result.traceHash);
  });

  test('without an announcement the hedge stays on the venue into the window (the control)', async () => {
    const result = await runScenario(scenario(announcedOnPrimary('okx', 'bybit', 0)));
    expect(meetsExpectation(result)).toBe(true);
    expect(positionAt(result.trace.events, 'primary', WINDOW_START_MS)).toBe(-2);
    expect(decisions(result).some((e) => /moving .* hedge/.test(String(e['message'])))).toBe(false);
  });
});
