/**
 * ccxt's rate limiter (its leaky-bucket `Throttler`, on by default) waits for tokens by polling:
 * `await sleep(config.delay * 1000)` with `delay` 0.001 s, then it recomputes the tokens, until
 * they are back. In real time a poll costs nothing; in virtual time every poll is a timer the
 * driver must fire and settle (two real event-loop turns each). A client throttled for 300 ms
 * is 300 timers, and a policy that reads a venue often (positions, balance and status every few
 * seconds on OKX, whose ccxt rateLimit is 100 ms with endpoint costs up to 10) spent most of its
 * wall time there: scenarios/default.yaml on OKX venues took 16 s instead of 1 s.
 *
 * `pollOnceWhenRefilled` makes the poll the exact wait instead: the time until the bucket's
 * tokens are back to zero (never less than ccxt's own 1 ms). ccxt's loop and its arithmetic are
 * untouched — it still sleeps, recomputes the tokens from the elapsed time and releases the
 * request when they are ≥ 0 — so a request leaves when it would in production, give or take the
 * 1 ms polling granularity production has. Only the leaky bucket polls; the rolling-window
 * algorithm computes its wait already.
 */

interface ThrottlerConfig {
  algorithm?: string;
  delay: number;
  tokens: number;
  refillRate: number;
}

export function pollOnceWhenRefilled(exchange: { throttler?: { config?: ThrottlerConfig } }): void {
  const config = exchange.throttler?.config;
  if (config === undefined || (config.algorithm !== undefined && config.algorithm !== 'leakyBucket')) return;
  const minPollSec = config.delay;
  if (!(minPollSec > 0) || !(config.refillRate > 0)) return;
  Object.defineProperty(config, 'delay', {
    configurable: true,
    enumerable: true,
    // tokens < 0 while waiting; refillRate is tokens per ms (ccxt: 1 / rateLimit).
    get: () => Math.max(minPollSec, Math.ceil(-config.tokens / config.refillRate) / 1000),
  });
}
