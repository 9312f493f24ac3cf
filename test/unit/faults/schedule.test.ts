import { describe, expect, test } from 'vitest';
import type { EndpointInfo } from '../../../mocks/types.ts';
import { FaultSchedule, maintenance, outage, rateLimit } from '../../../src/faults/index.ts';

const order: EndpointInfo = { endpoint: 'POST /fapi/v1/order', group: 'order', signed: true, weight: 0, orderCount: 1 };
const status: EndpointInfo = { endpoint: 'GET /sapi/v1/system/status', group: 'status', signed: false, weight: 1, orderCount: 0 };
const ticker: EndpointInfo = { endpoint: 'GET /fapi/v1/ticker/24hr', group: 'marketData', signed: false, weight: 1, orderCount: 0 };
const zero = (): number => 0;

describe('fault schedule', () => {
  test('passes every request outside fault windows', () => {
    const s = new FaultSchedule([outage({ venue: 'a', startMs: 1000, durationMs: 1000, mode: 'timeout' })]);
    expect(s.decide({ venue: 'a', endpoint: order, nowMs: 999, random: zero }).action).toBe('pass');
    expect(s.decide({ venue: 'a', endpoint: order, nowMs: 2000, random: zero }).action).toBe('pass');
    expect(s.decide({ venue: 'b', endpoint: order, nowMs: 1500, random: zero }).action).toBe('pass');
  });

  test.each([
    ['refused', 'refuse'],
    ['reset', 'reset'],
    ['timeout', 'hang'],
    ['http5xx', 'serverError'],
  ] as const)('an outage in mode %s makes every request %s', (mode, action) => {
    const s = new FaultSchedule([outage({ venue: 'a', startMs: 0, durationMs: 1000, mode })]);
    expect(s.decide({ venue: 'a', endpoint: status, nowMs: 10, random: zero }).action).toBe(action);
    expect(s.decide({ venue: 'a', endpoint: order, nowMs: 999, random: zero }).action).toBe(action);
  });

  test('http5xx picks among the JSON, HTML and empty 5xx variants from the random stream', () => {
    const s = new FaultSchedule([outage({ venue: 'a', startMs: 0, durationMs: 1000, mode: 'http5xx' })]);
    const variants = [0, 0.4, 0.9].map((r) => {
      const d = s.decide({ venue: 'a', endpoint: order, nowMs: 1, random: () => r });
      return d.action === 'serverError' ? `${d.status}/${d.variant}` : d.action;
    });
    expect(variants).toEqual(['503/json', '502/html', '500/empty']);
  });

  test('maintenance refuses trading and account requests but keeps status and market data up', () => {
    const s = new FaultSchedule([maintenance({ venue: 'a', startMs: 0, durationMs: 1000 })]);
    expect(s.decide({ venue: 'a', endpoint: order, nowMs: 1, random: zero }).action).toBe('maintenance');
    expect(s.decide({ venue: 'a', endpoint: status, nowMs: 1, random: zero }).action).toBe('pass');
    expect(s.decide({ venue: 'a', endpoint: ticker, nowMs: 1, random: zero }).action).toBe('pass');
    expect(s.systemStatus('a', 1)).toBe('maintenance');
    expect(s.systemStatus('a', 1000)).toBe('normal');
  });

  test('a client that honours Retry-After gets 429s and is never banned', () => {
    const s = new FaultSchedule([rateLimit({ venue: 'a', startMs: 0, durationMs: 60_000, retryAfterSec: 10, banSec: 120 })]);
    const actions: string[] = [];
    for (let t = 0; t < 60_000; t += 10_000) {
      const d = s.decide({ venue: 'a', endpoint: order, nowMs: t, random: zero });
      actions.push(d.action);
      if (d.action === 'rateLimited') expect(d.retryAfterSec).toBe(10);
    }
    expect(actions.every((a) => a === 'rateLimited')).toBe(true);
    expect(s.rateLimitState('a').numBans).toBe(0);
  });

  test('a client that ignores Retry-After is banned with 418, and the ban outlasts the 429 window', () => {
    const s = new FaultSchedule([rateLimit({ venue: 'a', startMs: 0, durationMs: 20_000, retryAfterSec: 10, banSec: 120, ignoredMax: 2 })]);
    const actions = [0, 1000, 2000, 3000].map((t) => s.decide({ venue: 'a', endpoint: order, nowMs: t, random: zero }).action);
    expect(actions).toEqual(['rateLimited', 'rateLimited', 'rateLimited', 'banned']);
    // The 429 window ended at 20 s; the ban (from 3 s, 120 s) still answers.
    const later = s.decide({ venue: 'a', endpoint: status, nowMs: 60_000, random: zero });
    expect(later.action).toBe('banned');
    if (later.action === 'banned') expect(later.retryAfterSec).toBe(63);
    expect(s.decide({ venue: 'a', endpoint: status, nowMs: 123_000, random: zero }).action).toBe('pass');
  });

  test('an outage hides a rate limit and maintenance that overlap it', () => {
    const s = new FaultSchedule([
      maintenance({ venue: 'a', startMs: 0, durationMs: 10_000 }),
      rateLimit({ venue: 'a', startMs: 0, durationMs: 10_000, retryAfterSec: 5, banSec: 60 }),
      outage({ venue: 'a', startMs: 2000, durationMs: 1000, mode: 'refused' }),
    ]);
    expect(s.decide({ venue: 'a', endpoint: order, nowMs: 2500, random: zero }).action).toBe('refuse');
    expect(s.decide({ venue: 'a', endpoint: order, nowMs: 5000, random: zero }).action).toBe('rateLimited');
  });
});

describe('per-request probability', () => {
  const seq = (values: number[]) => {
    let i = 0;
    const draws: number[] = [];
    const random = (): number => {
      const v = values[i++ % values.length] ?? 0;
      draws.push(v);
      return v;
    };
    return { random, draws };
  };

  test('an outage with probability 0.5 hits a request when the venue stream draws below it, and passes it otherwise', () => {
    const s = new FaultSchedule([outage({ venue: 'a', startMs: 0, durationMs: 1000, mode: 'refused', probability: 0.5 })]);
    const { random } = seq([0.2, 0.7, 0.49, 0.5]);
    const actions = [0, 1, 2, 3].map(() => s.decide({ venue: 'a', endpoint: order, nowMs: 10, random }).action);
    expect(actions).toEqual(['refuse', 'pass', 'refuse', 'pass']);
  });

  test('a certain fault (probability 1) draws nothing, so adding one never shifts other faults’ randomness', () => {
    const s = new FaultSchedule([outage({ venue: 'a', startMs: 0, durationMs: 1000, mode: 'refused' }), maintenance({ venue: 'b', startMs: 0, durationMs: 1000 })]);
    const { random, draws } = seq([0.9]);
    s.decide({ venue: 'a', endpoint: order, nowMs: 10, random });
    s.decide({ venue: 'b', endpoint: order, nowMs: 10, random });
    expect(draws).toEqual([]);
  });

  test('a maybe-maintenance and a maybe-429 storm do not count as blocking trading (the invariant allowance)', () => {
    const s = new FaultSchedule([
      maintenance({ venue: 'a', startMs: 0, durationMs: 1000, probability: 0.5 }),
      rateLimit({ venue: 'b', startMs: 0, durationMs: 1000, probability: 0.5 }),
      rateLimit({ venue: 'c', startMs: 0, durationMs: 1000, budgetPct: 10 }),
      rateLimit({ venue: 'd', startMs: 0, durationMs: 1000 }),
    ]);
    expect(['a', 'b', 'c', 'd'].map((v) => s.blocksTrading(v, 10))).toEqual([false, false, false, true]);
  });
});
