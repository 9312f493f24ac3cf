import ccxt from 'ccxt';
import { describe, expect, test } from 'vitest';
import { driveUntilSettled } from '../../../src/sim/driver.ts';
import { pollOnceWhenRefilled } from '../../../src/sim/throttler.ts';
import { virtualClock } from '../../../src/sim/virtual-clock.ts';

/**
 * ccxt's leaky-bucket throttler polls every 1 ms while it waits for tokens; in virtual time every
 * poll is a timer. pollOnceWhenRefilled turns the poll into the exact wait, leaving ccxt's loop and
 * arithmetic as they are: requests leave when they would with ccxt's own polling.
 */

type Config = { delay: number; tokens: number; refillRate: number };
const configOf = (exchange: unknown): Config => (exchange as { throttler: { config: Config } }).throttler.config;

/** Five back-to-back fetchTime calls on an OKX client; when each request left, ms after the first, and how many timers that took. */
async function burst(patched: boolean): Promise<{ sentMs: number[]; timers: number }> {
  const sent: number[] = [];
  const okx = new ccxt.okx({
    fetchImplementation: async () => {
      sent.push(Date.now());
      return new Response(JSON.stringify({ code: '0', data: [{ ts: String(Date.now()) }], msg: '' }), { headers: { 'content-type': 'application/json' } });
    },
  });
  if (patched) pollOnceWhenRefilled(okx as never);
  const clock = virtualClock();
  let timers = 0;
  const next = clock.next.bind(clock);
  clock.next = () => {
    timers += 1;
    return next();
  };
  try {
    let settled = 0;
    const done = Promise.all([0, 1, 2, 3, 4].map(() => okx.fetchTime())).finally(() => (settled += 1));
    await driveUntilSettled(done, { clock, busy: () => false, activity: () => sent.length + settled });
  } finally {
    clock.next = next;
  }
  return { sentMs: sent.map((t) => t - sent[0]!), timers };
}

describe('pollOnceWhenRefilled', () => {
  test('a waiting throttler sleeps until its tokens are back, never less than ccxt\'s own 1 ms poll', () => {
    const okx = new ccxt.okx({ fetchImplementation: () => Promise.reject(new Error('no requests here')) });
    const config = configOf(okx);
    expect(config.delay).toBe(0.001);
    pollOnceWhenRefilled(okx as never);
    config.tokens = -5;
    expect(config.delay).toBeCloseTo(5 / config.refillRate / 1000, 6);
    config.tokens = -0.0001;
    expect(config.delay).toBe(0.001);
    config.tokens = 0;
    expect(config.delay).toBe(0.001);
  });

  test('throttled requests leave at the same moments as with ccxt\'s own 1 ms polling, in a handful of timers instead of hundreds', async () => {
    const own = await burst(false);
    const patched = await burst(true);
    // ccxt spaces them (OKX: rateLimit × cost apart): the throttle did wait.
    expect(own.sentMs.at(-1)).toBeGreaterThan(200);
    for (const [i, t] of patched.sentMs.entries()) expect(Math.abs(t - own.sentMs[i]!)).toBeLessThanOrEqual(1);
    expect(own.timers).toBeGreaterThan(own.sentMs.at(-1)! / 2);
    expect(patched.timers).toBeLessThan(own.timers / 10);
  });
});
