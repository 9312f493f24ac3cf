import { describe, expect, test } from 'vitest';
import { maintenance, outage, rateLimit } from '../../src/faults/index.ts';
import { classifyError, retryAfterSecFrom } from '../../src/redundancy/errors.ts';
import { VenueHealth, type HealthOptions } from '../../src/redundancy/health.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';
import { DIALECT_REGISTRY, createDialectHarness, type DialectHarness } from '../helpers/dialects.ts';

/**
 * The venue health state machine, fed by the errors the real mocks make real ccxt raise: every
 * transition starts from an exception a venue produced, classified by `classifyError`.
 */

/** Faults start here, after the harness has loaded markets. */
const T0 = VIRTUAL_EPOCH_MS + 60_000;
const OPTS: HealthOptions = { probeIntervalMsMin: 5000, probeIntervalMsMax: 60_000, statusPollMs: 30_000 };
const entry = (name: string) => {
  const found = DIALECT_REGISTRY.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no dialect ${name}`);
  return found;
};

/** The error a call raises on the harness (fails the test if it succeeds). */
async function errorOf(h: DialectHarness, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await h.call(fn);
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Feeds one real error into the machine as the engine does. */
function feed(health: VenueHealth, h: DialectHarness, error: unknown, during = 'createOrder'): void {
  const meaning = classifyError(error);
  health.onError(meaning, Date.now(), {
    during,
    errorName: (error as Error).constructor.name,
    message: (error as Error).message,
    retryAfterSec: meaning === 'rateLimited' || meaning === 'banned' ? retryAfterSecFrom(h.exchange, Date.now()) : undefined,
  });
}

const order = (h: DialectHarness, amount = 0.01) => () => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', amount);

describe('venue health', () => {
  test('a Binance 429 closes the venue for its Retry-After plus a second, then it is usable again', async () => {
    const h = await createDialectHarness(entry('binanceusdm'), { faults: [rateLimit({ venue: 'primary', startMs: T0, durationMs: 60_000, retryAfterSec: 10 })] });
    await h.advanceTo(T0);
    const log: string[] = [];
    const health = new VenueHealth('primary', OPTS, (m) => log.push(m));
    const t0 = Date.now();
    feed(health, h, await errorOf(h, order(h)));
    expect(health.stateAt(t0)).toBe('rateLimited');
    expect(health.quietAt(t0 + 10_999)).toBe(true);
    expect(health.tradableAt(t0 + 10_999)).toBe(false);
    expect(health.tradableAt(t0 + 11_000)).toBe(true);
    expect(log).toEqual(['primary: rate limited on createOrder; honouring Retry-After 10 s', 'primary: Retry-After elapsed, venue usable again']);
  });

  test('an OKX 429 names no wait: the backoff doubles from 2 s while the refusals continue, and resets once a request is answered', async () => {
    const h = await createDialectHarness(entry('okx'), { faults: [rateLimit({ venue: 'primary', startMs: T0, durationMs: 600_000 })] });
    await h.advanceTo(T0);
    const health = new VenueHealth('primary', OPTS);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const error = await errorOf(h, () => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 1));
      expect(retryAfterSecFrom(h.exchange, Date.now())).toBeUndefined();
      feed(health, h, error);
      waits.push(health.untilMs - Date.now());
      await h.advanceTo(health.untilMs);
    }
    expect(waits).toEqual([3000, 5000, 9000, 17_000, 17_000]);
    health.onAnswered();
    feed(health, h, await errorOf(h, () => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 1)));
    expect(health.untilMs - Date.now()).toBe(3000);
  });

  test('a Bybit 10006 on a public endpoint names no wait: it is held to the wait the venue named on its last private refusal', async () => {
    const h = await createDialectHarness(entry('bybit'), { faults: [rateLimit({ venue: 'primary', startMs: T0, durationMs: 600_000, retryAfterSec: 10 })] });
    await h.advanceTo(T0);
    const health = new VenueHealth('primary', OPTS);
    feed(health, h, await errorOf(h, () => h.exchange.fetchPositions(['BTC/USDT:USDT'])), 'fetchPositions');
    expect(health.untilMs - Date.now()).toBe(11_000);
    await h.advanceTo(health.untilMs);
    const silent = await errorOf(h, () => h.exchange.fetchStatus());
    expect(classifyError(silent)).toBe('rateLimited');
    expect(retryAfterSecFrom(h.exchange, Date.now())).toBeUndefined();
    feed(health, h, silent, 'fetchStatus');
    expect(health.untilMs - Date.now()).toBe(11_000);
  });

  test('a timeout marks the venue down; failed probes back off ×2 to the maximum, held at the minimum when stranded', async () => {
    const h = await createDialectHarness(entry('bybit'), { faults: [outage({ venue: 'primary', startMs: T0, durationMs: 600_000, mode: 'timeout' })] });
    await h.advanceTo(T0);
    const log: string[] = [];
    const health = new VenueHealth('primary', OPTS, (m) => log.push(m));
    const error = await errorOf(h, order(h));
    expect(classifyError(error)).toBe('unknownOutcome');
    feed(health, h, error);
    expect(health.state).toBe('down');
    expect(log[0]).toBe('primary: marked down (RequestTimeout on createOrder); probing every 5 s');
    const intervals: number[] = [];
    for (let i = 0; i < 6; i++) {
      await h.advanceTo(health.untilMs);
      expect(health.dueAt(Date.now())).toBe(true);
      health.onProbeSent();
      const probeError = await errorOf(h, () => h.exchange.fetchTime());
      expect(['unknownOutcome', 'unavailable']).toContain(classifyError(probeError));
      health.onProbeFailed(Date.now(), { fast: false, urgent: false, tickMs: 1000 });
      intervals.push(health.probeIntervalMs);
    }
    expect(intervals).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    expect(health.numProbes).toBe(6);
    health.onProbeFailed(Date.now(), { fast: false, urgent: true, tickMs: 1000 });
    expect(health.probeIntervalMs).toBe(5000);
  });

  test('a probe that answers makes the venue recovering, not tradable, until it is reconciled', async () => {
    const h = await createDialectHarness(entry('binanceusdm'), { faults: [outage({ venue: 'primary', startMs: T0, durationMs: 4000, mode: 'refused' })] });
    await h.advanceTo(T0);
    const health = new VenueHealth('primary', OPTS);
    feed(health, h, await errorOf(h, () => h.exchange.fetchPositions(['BTC/USDT:USDT'])), 'fetchPositions');
    expect(health.state).toBe('down');
    await h.advanceTo(health.untilMs);
    await h.call(() => h.exchange.fetchTime());
    health.onProbeAnswered('probe');
    expect(health.stateAt(Date.now())).toBe('recovering');
    expect(health.tradableAt(Date.now())).toBe(false);
    health.onReconciled();
    expect(health.tradableAt(Date.now())).toBe(true);
  });

  test('Binance maintenance (OnMaintenance) puts the venue in maintenance until the status says ok, then recovering', async () => {
    const h = await createDialectHarness(entry('binanceusdm'), { faults: [maintenance({ venue: 'primary', startMs: T0, durationMs: 60_000 })] });
    await h.advanceTo(T0);
    const health = new VenueHealth('primary', OPTS);
    const error = await errorOf(h, order(h));
    expect(classifyError(error)).toBe('maintenance');
    feed(health, h, error);
    expect(health.state).toBe('maintenance');
    expect(health.untilMs - Date.now()).toBe(30_000);
    expect((await h.call(() => h.exchange.fetchStatus())).status).toBe('maintenance');
    health.onStatusMaintenance(Date.now());
    await h.advanceTo(Date.now() + 61_000);
    expect((await h.call(() => h.exchange.fetchStatus())).status).toBe('ok');
    health.onStatusOk();
    expect(health.state).toBe('recovering');
  });

  test('a Binance IP ban (418 under DDoSProtection) is a ban, honoured for the Retry-After it names', async () => {
    const h = await createDialectHarness(entry('binanceusdm'), { faults: [rateLimit({ venue: 'primary', startMs: T0, durationMs: 60_000, retryAfterSec: 10, banSec: 120, ignoredMax: 0 })] });
    await h.advanceTo(T0);
    await errorOf(h, order(h)); // the 429
    const ban = await errorOf(h, order(h)); // ignored it: banned
    expect(classifyError(ban)).toBe('banned');
    const health = new VenueHealth('primary', OPTS);
    feed(health, h, ban);
    expect(health.state).toBe('rateLimited');
    expect(health.quietAt(Date.now() + 120_000)).toBe(true);
    expect(health.quietAt(Date.now() + 121_000)).toBe(false);
  });

  test('a definite refusal (InsufficientFunds) degrades the venue for 30 s; orders lost in a row double the avoidance', async () => {
    const h = await createDialectHarness(entry('binanceusdm'));
    await h.advanceTo(T0);
    const error = await errorOf(h, order(h, 500));
    expect(classifyError(error)).toBe('rejected');
    const health = new VenueHealth('primary', OPTS);
    const t0 = Date.now();
    feed(health, h, error);
    expect(health.stateAt(t0)).toBe('degraded');
    expect(health.stateAt(t0 + 30_000)).toBe('healthy');
    expect([health.onOrderLost(t0), health.onOrderLost(t0), health.onOrderLost(t0)]).toEqual([30_000, 60_000, 120_000]);
    health.onOrderReached();
    expect(health.onOrderLost(t0)).toBe(30_000);
  });

  test('a venue avoided for a lost order is still a last resort; one avoided for a definite refusal is not', async () => {
    const h = await createDialectHarness(entry('binanceusdm'));
    await h.advanceTo(T0);
    const t0 = Date.now();
    const lost = new VenueHealth('primary', OPTS);
    lost.onOrderLost(t0);
    expect(lost.tradableAt(t0)).toBe(false);
    expect(lost.lastResortAt(t0)).toBe(true);
    expect(lost.lastResortAt(t0 + 30_000)).toBe(false); // healthy again: a first choice, not a last resort
    const refused = new VenueHealth('primary', OPTS);
    feed(refused, h, await errorOf(h, order(h, 500)));
    expect(refused.stateAt(t0)).toBe('degraded');
    expect(refused.lastResortAt(t0)).toBe(false);
    // A loss after a refusal, inside its avoidance: the venue lost an order, so it is a last resort again.
    refused.onOrderLost(t0 + 1000);
    expect(refused.lastResortAt(t0 + 1000)).toBe(true);
  });

  test('an order over a refused connection cannot have reached the venue (unavailable); over a reset connection its outcome is unknown', async () => {
    const refused = await createDialectHarness(entry('binanceusdm'), { faults: [outage({ venue: 'primary', startMs: T0, durationMs: 60_000, mode: 'refused' })] });
    await refused.advanceTo(T0);
    const notSent = await errorOf(refused, order(refused));
    expect((notSent as Error).message).toMatch(/ECONNREFUSED/);
    expect(classifyError(notSent)).toBe('unavailable');
    const reset = await createDialectHarness(entry('binanceusdm'), { faults: [outage({ venue: 'primary', startMs: T0, durationMs: 60_000, mode: 'reset' })] });
    await reset.advanceTo(T0);
    expect(classifyError(await errorOf(reset, order(reset)))).toBe('unknownOutcome');
  });
});
