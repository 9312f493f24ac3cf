import { describe, expect, test } from 'vitest';
import type { EndpointInfo, RateLimitModel } from '../../../mocks/types.ts';
import { UsageMeter, banLengthSec } from '../../../src/faults/limits.ts';

const read = (endpoint: string, weight: number): EndpointInfo => ({ endpoint, group: 'marketData', signed: false, weight, orderCount: 0 });
const order: EndpointInfo = { endpoint: 'POST /order', group: 'order', signed: true, weight: 0, orderCount: 1 };

const model: RateLimitModel = {
  rules: [
    { id: 'weight1m', counts: 'weight', per: 'ip', windowMs: 60_000, limit: 10 },
    { id: 'orders10s', counts: 'orders', per: 'account', windowMs: 10_000, limit: 2 },
    { id: 'perEndpoint2s', counts: 'requests', per: 'account', windowMs: 2_000, limit: 3, perEndpoint: true },
  ],
  banLadderSec: [120, 240],
  ignoredMax: 2,
  announcesWait: true,
};

function spend(meter: UsageMeter, endpoint: EndpointInfo, nowMs: number): string | undefined {
  const breach = meter.check(model, endpoint, nowMs);
  if (breach === undefined) meter.commit(model, endpoint, nowMs);
  return breach?.rule.id;
}

describe('UsageMeter', () => {
  test('counts weight in fixed windows aligned to the epoch; a breach does not count and names the rule and the wait', () => {
    const m = new UsageMeter();
    expect(spend(m, read('GET /a', 4), 61_000)).toBeUndefined();
    expect(spend(m, read('GET /b', 4), 62_000)).toBeUndefined();
    const breach = m.check(model, read('GET /c', 4), 62_500);
    expect(breach).toEqual({ rule: model.rules[0], limit: 10, retryAfterSec: 58 });
    expect(m.snapshot(model, read('GET /c', 4), 62_500)['weight1m']).toBe(8);
    expect(spend(m, read('GET /d', 2), 63_000)).toBeUndefined(); // exactly the limit fits
    expect(spend(m, read('GET /e', 1), 119_999)).toBe('weight1m');
    expect(spend(m, read('GET /e', 1), 120_000)).toBeUndefined(); // next window
    expect(m.snapshot(model, read('GET /e', 1), 120_000)['weight1m']).toBe(1);
  });

  test('order counts ignore reads; per-endpoint budgets are separate per endpoint', () => {
    const m = new UsageMeter();
    expect([spend(m, order, 0), spend(m, order, 1), spend(m, order, 2)]).toEqual([undefined, undefined, 'orders10s']);
    const m2 = new UsageMeter();
    const results = ['GET /x', 'GET /x', 'GET /x', 'GET /x', 'GET /y'].map((e) => spend(m2, read(e, 0), 0));
    expect(results).toEqual([undefined, undefined, undefined, 'perEndpoint2s', undefined]);
  });

  test('budgetPct shrinks every budget (never below 1)', () => {
    const m = new UsageMeter();
    expect(m.check(model, read('GET /a', 6), 0, 50)?.limit).toBe(5);
    expect(m.check(model, order, 0, 1)).toBeUndefined(); // 2 × 1 % → floor 0 → at least 1
    m.commit(model, order, 0);
    expect(m.check(model, order, 0, 1)?.limit).toBe(1);
  });
});

describe('banLengthSec', () => {
  test('walks the ladder and repeats its last rung; no ladder, no ban', () => {
    expect([0, 1, 2, 9].map((n) => banLengthSec(model, n))).toEqual([120, 240, 240, 240]);
    expect(banLengthSec({ ...model, banLadderSec: [] }, 0)).toBeUndefined();
  });
});
