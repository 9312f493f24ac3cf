import type { LimitRule, RateLimitModel } from '../types.ts';

/**
 * Kraken spot REST rate limits (https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits,
 * https://docs.kraken.com/api/docs/guides/spot-ratelimits; reference §5.1), approximated with the
 * fault layer's fixed windows aligned to the epoch:
 *
 * - **Call counter**, per API key: every private call adds 1, ledger and trade-history calls 2
 *   (the guide; reference §5.1 quotes +4 from an older support article), AddOrder/CancelOrder 0.
 *   The counter may reach 20 (Intermediate tier) and decays by 0.5 per second. A fixed window of
 *   10 s with a budget of 20 + 10 × 0.5 = 25 allows the same sustained rate and the same burst;
 *   unlike the real counter it forgets a burst at the window edge. Over budget:
 *   `EAPI:Rate limit exceeded` (DDoSProtection). `weight` of a route is its counter increment.
 * - **Trading counter**, per pair (one traded pair per venue here): +1 per order, decaying by
 *   2.34 per second up to a threshold of 125 (Intermediate). Cancel penalties (+8 for an order
 *   younger than 5 s … +1 under 300 s) are not modelled. Fixed window of 10 s with 125 + 23 = 148
 *   orders. Over budget: `EOrder:Rate limit exceeded` (DDoSProtection).
 * - **Public endpoints**, per IP: "about one request per second" with a small burst (ccxt's
 *   `rateLimit: 1000`); a fixed window of 10 s with 15 requests, counting every request (private
 *   calls included: the fault layer counts per venue). Over budget: `EGeneral:Too many requests`.
 * - **Lockout**: a client that keeps calling while refused earns `EGeneral:Temporary lockout`,
 *   "about 15 minutes" (support article 360001491786). Kraken states no wait in its answers
 *   (no headers, no timestamp), hence `announcesWait: false`.
 */
export const KRAKEN_RULES = [
  { id: 'ip10s', counts: 'requests', per: 'ip', windowMs: 10_000, limit: 15 },
  { id: 'counter10s', counts: 'weight', per: 'account', windowMs: 10_000, limit: 25 },
  { id: 'orders10s', counts: 'orders', per: 'account', windowMs: 10_000, limit: 148 },
] as const satisfies readonly LimitRule[];

/** Call-counter increments (the route `weight`). */
export const COUNTER_COST = { public: 0, private: 1, history: 2, trading: 0 } as const;

/** "About 15 minutes" of lockout; Kraken documents no escalation. */
export const LOCKOUT_SEC = 900;

export const KRAKEN_LIMITS: RateLimitModel = {
  rules: KRAKEN_RULES,
  banLadderSec: [LOCKOUT_SEC],
  // Kraken locks out after "too many" failed calls without saying how many; 10 refused calls in a
  // row is the mock's reading (README).
  ignoredMax: 10,
  announcesWait: false,
};
