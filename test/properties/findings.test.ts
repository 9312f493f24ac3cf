import { describe, expect, test } from 'vitest';
import { loadScenarioSet, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';

/**
 * Counterexamples the property search (`npm run test:deep`) found in the reference engine, kept
 * as regressions in test/properties/findings/. Each file is the shrunk scenario the search wrote;
 * with the fix, the reference meets every limit on it. Each test also shows the situation the
 * finding needs still arises — the fault fired and the engine met the condition it used to get
 * wrong — so a change to the scenario or the engine that sidesteps it fails here instead of
 * passing vacuously.
 */

const DIR = 'test/properties/findings';

async function run(file: string): Promise<{ scenario: Scenario; result: RunResult; events: readonly TraceEvent[] }> {
  const loaded = await loadScenarioSet(`${DIR}/${file}`);
  if (!loaded.ok) throw new Error(`${file} does not load: ${JSON.stringify(loaded.errors)}`);
  const scenario = loaded.runs[0]!.scenario;
  const result = await runScenario(scenario);
  return { scenario, result, events: result.trace.events };
}

const decisions = (events: readonly TraceEvent[], pattern: RegExp): TraceEvent[] => events.filter((e) => e.type === 'decision' && pattern.test(String(e['message'])));

function expectEveryInvariantHolds(result: RunResult): void {
  expect(result.outcome).toBe('passed');
  expect(result.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.firstViolation?.message}`)).toEqual([]);
}

describe('findings of the property search stay fixed in the reference engine', () => {
  test('only-venue-lost-one-order: a venue avoided for a lost order still takes the hedge when no other can', async () => {
    const { result, events } = await run('only-venue-lost-one-order.yaml');
    expectEveryInvariantHolds(result);
    // The backup (the one venue answering reliably) lost an order on its slow path…
    const lost = decisions(events, /order\(s\) in a row lost before reaching the venue/).filter((e) => e.venue === 'backup');
    expect(lost.length).toBeGreaterThan(0);
    const avoidedFrom = lost[0]!.tMs;
    // …and within the 30 s it is avoided, a hedge still goes to it: the primary could not take one.
    const placedWhileAvoided = events.filter((e) => e.type === 'request' && e.venue === 'backup' && e['group'] === 'order' && e.tMs > avoidedFrom && e.tMs < avoidedFrom + 30_000);
    expect(placedWhileAvoided.length).toBeGreaterThan(0);
  });

  test('price-jump-on-small-account: a jump past the margin cap is answered within hedgeWithinSec by moving the excess', async () => {
    const { scenario, result, events } = await run('price-jump-on-small-account.yaml');
    expectEveryInvariantHolds(result);
    const cap = scenario.limits.marginUsePctMax!;
    // The jump did push the small account over the cap (on ground truth)…
    const over = events.find((e) => e.type === 'venue.margin' && e.venue === 'backup-small' && 100 * Number(e['initialMargin']) > cap * Number(e['marginBalance']));
    expect(over?.tMs).toBe(45_000);
    // …and the engine moved part of its hedge off, in time.
    const moved = decisions(events, /margin use about .* moving .* of its hedge to/);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved[0]!.tMs - 45_000).toBeLessThan(scenario.limits.hedgeWithinSec * 1000);
  });

  test('filled-order-its-venue-cannot-confirm: the quantity of an unknown order is not hedged again before a lookup resolves it', async () => {
    const { result, events } = await run('filled-order-its-venue-cannot-confirm.yaml');
    expectEveryInvariantHolds(result);
    // The primary took an order and its acknowledgement was lost…
    const lostAck = events.find((e) => e.type === 'fault.ackLost');
    expect(lostAck).toBeDefined();
    // …the engine never guessed…
    expect(decisions(events, /still unknown after/)).toEqual([]);
    // …and resolved it by a lookup once the venue answered again: it had filled.
    expect(decisions(events, /resolved: closed, filled/).length).toBeGreaterThan(0);
  });

  test('margin-jump-while-an-order-is-unknown: a margin cap a jump broke is answered while an unknown order still waits', async () => {
    const { scenario, result, events } = await run('margin-jump-while-an-order-is-unknown.yaml');
    expectEveryInvariantHolds(result);
    const unknown = decisions(events, /outcome unknown/);
    const resolved = decisions(events, /unknown order .* resolved/);
    expect(unknown.length).toBeGreaterThan(0);
    const moved = decisions(events, /margin use about .* moving .* of its hedge to/);
    expect(moved.length).toBeGreaterThan(0);
    // Moved while the first unknown order was still unresolved, and within the allowance of the jump.
    expect(moved[0]!.tMs).toBeGreaterThan(unknown[0]!.tMs);
    expect(resolved.every((r) => r.tMs > moved[0]!.tMs)).toBe(true);
    expect(moved[0]!.tMs - 89_000).toBeLessThan(scenario.limits.hedgeWithinSec * 1000);
  });

  test('unknown-order-behind-a-retry-after: waiting out a forced Retry-After before the lookup is not held against the policy', async () => {
    const { scenario, result, events } = await run('unknown-order-behind-a-retry-after.yaml');
    expectEveryInvariantHolds(result);
    // The hedge's outcome was unknown, and the lookup was refused with a Retry-After that ran past
    // hedgeWithinSec from the exposure's arrival (+0 s)…
    const unknown = decisions(events, /outcome unknown/);
    expect(unknown.length).toBeGreaterThan(0);
    const refused = events.find((e) => e.type === 'response' && e.venue === 'primary' && e['outcome'] === 'rateLimited' && e.tMs > unknown[0]!.tMs);
    expect(refused!.tMs + Number(refused!['retryAfterSec']) * 1000).toBeGreaterThan(scenario.limits.hedgeWithinSec * 1000);
    // …the engine honoured it (no request to the primary inside it) and resolved the order after.
    const inside = events.filter((e) => e.type === 'request' && e.venue === 'primary' && e.tMs > refused!.tMs && e.tMs < refused!.tMs + Number(refused!['retryAfterSec']) * 1000);
    expect(inside).toEqual([]);
    expect(decisions(events, /unknown order .* resolved/)[0]!.tMs).toBeGreaterThan(refused!.tMs + Number(refused!['retryAfterSec']) * 1000);
  });
});
