import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { retryAfterInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import { parseScenario } from '../../../src/scenario/index.ts';
import { runScenario } from '../../../src/sim/run.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

/**
 * The retryAfter invariant by how the venue states its wait: a relative `Retry-After` counts from
 * the answer's arrival, an absolute reset (Bybit's `X-Bapi-Limit-Reset-Timestamp`) ends at the
 * stated instant, and a refusal that names no wait sets no quiet period. The last test checks the
 * transport records what the real mocks state.
 */

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

function input(trace: TraceEvent[]): InvariantInput {
  return { trace, faults: new FaultSchedule([]), startMs: 0, durationMs: 600_000, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30 } };
}

describe('retryAfter with an absolute reset', () => {
  // The venue saw the request at +1.030 s and reset its window at +2.030 s; its answer arrived at +1.060 s.
  const refusal = (): TraceEvent => ev(1060, 'response', { venue: 'a', outcome: 'rateLimited', status: 200, retryAfterSec: 1, retryAtMs: 2030, endpoint: 'GET /v5/position/list' });

  test('a request sent at the stated reset honours it, though a full wait from the answer has not passed', () => {
    expect(retryAfterInvariant.check(input([refusal(), ev(2030, 'request', { venue: 'a', endpoint: 'GET /v5/position/list' })])).passed).toBe(true);
  });

  test('a request sent before the stated reset breaks it, naming the reset and by how much', () => {
    const r = retryAfterInvariant.check(input([refusal(), ev(2000, 'request', { venue: 'a', endpoint: 'POST /v5/order/create' })]));
    expect(r.passed).toBe(false);
    expect(r.firstViolation?.excess).toBeCloseTo(0.03, 9);
    expect(r.firstViolation?.message).toBe('a: POST /v5/order/create sent 0.030 s before the reset (+2.030 s) stated by the 200 at +1.060 s had passed');
  });

  test('a relative Retry-After still counts from the answer', () => {
    const trace = [ev(1060, 'response', { venue: 'a', outcome: 'rateLimited', status: 429, retryAfterSec: 1 }), ev(2030, 'request', { venue: 'a', endpoint: 'GET /t' })];
    expect(retryAfterInvariant.check(input(trace)).passed).toBe(false);
  });

  test('a refusal that names no wait sets no quiet period', () => {
    const trace = [ev(1060, 'response', { venue: 'a', outcome: 'rateLimited', status: 429 }), ev(1100, 'request', { venue: 'a', endpoint: 'GET /t' })];
    expect(retryAfterInvariant.check(input(trace)).passed).toBe(true);
  });
});

describe('the transport records the wait each mock states', () => {
  test('Bybit 10006 on a private read: its reset on the run clock; Binance 429: its Retry-After', async () => {
    const parsed = parseScenario(
      `
name: stated-waits
seed: 3
durationSec: 30
market: { symbol: BTC/USDT:USDT, priceStart: 60000 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 100000 }, latencyMs: 40 }
  - { id: backup, dialect: bybit, balances: { USDT: 100000 }, latencyMs: 60 }
inventory:
  - { atSec: 0, base: 1 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }
faults:
  - { venue: primary, kind: rateLimit, atSec: 0, durationSec: 5, retryAfterSec: 2 }
  - { venue: backup, kind: rateLimit, atSec: 0, durationSec: 5, retryAfterSec: 2 }
policy: reference
`,
      'stated-waits.yaml',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const result = await runScenario(parsed.scenario);
    const refusals = result.trace.events.filter((e) => e.type === 'response' && e['outcome'] === 'rateLimited');
    const bybit = refusals.filter((e) => e.venue === 'backup' && typeof e['retryAtMs'] === 'number');
    const binance = refusals.filter((e) => e.venue === 'primary');
    // Both faults fired on a request that names its wait.
    expect(bybit.length).toBeGreaterThan(0);
    expect(binance.length).toBeGreaterThan(0);
    // The storm's reset is when the venue saw the request (half the latency before the answer) plus its wait.
    for (const e of bybit) expect(e['retryAtMs']).toBe(e.tMs - 30 + Number(e['retryAfterSec']) * 1000);
    for (const e of binance) {
      expect(e['retryAtMs']).toBeUndefined();
      expect(e['retryAfterSec']).toBe(2);
    }
    expect(result.invariants.find((i) => i.name === 'retryAfter')?.passed).toBe(true);
  });
});
