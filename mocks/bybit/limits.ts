import type { EndpointInfo, LimitRule, RateLimitModel, UsageSnapshot } from '../types.ts';

/**
 * Bybit v5's rate limits (https://bybit-exchange.github.io/docs/v5/rate-limit; reference §4.1):
 *
 * - **IP**: 600 requests per 5-second window per IP, every endpoint. A breach answers HTTP 403
 *   "access too frequent" and bans the IP: "terminate all HTTP sessions and wait for at least 10
 *   minutes. The ban will be lifted automatically." → `onBreach: 'ban'`, `banLadderSec: [600]`.
 * - **API (UID)**: a per-second budget per UID **per endpoint**; a breach answers retCode 10006
 *   "Too many visits!" with `X-Bapi-Limit*` headers. UTA 2.0 Pro defaults: `/v5/order/create` and
 *   `/v5/order/cancel` 10/s (linear), `/v5/order/realtime`, `/v5/execution/list`,
 *   `/v5/position/list`, `/v5/account/wallet-balance` 50/s, `/v5/user/query-api` 10/s,
 *   `/v5/asset/coin/query-info` 5/s; "no limit" for the others, and none for public market data.
 *
 * The fault layer's model has one `limit` per rule, so the per-endpoint budgets share one rule
 * of {@link UID_BUDGET_UNITS} units per second and each endpoint's `weight` is the units one
 * request costs: 50 / weight is its published per-second limit (weight 5 → 10/s, 1 → 50/s,
 * 10 → 5/s, 0 → not limited). A scripted `budgetPct` shrinks every endpoint's budget in proportion.
 * Windows are fixed and aligned to the epoch (Bybit's is rolling: documented in README).
 */
export const UID_BUDGET_UNITS = 50;

/** The two budgets: per IP (all endpoints, ban on breach) and per UID per endpoint (10006 on breach). */
export const BYBIT_RULES = [
  { id: 'ip5s', counts: 'requests', per: 'ip', windowMs: 5_000, limit: 600, onBreach: 'ban' },
  { id: 'uid1s', counts: 'weight', per: 'account', perEndpoint: true, windowMs: 1_000, limit: UID_BUDGET_UNITS },
] as const satisfies readonly LimitRule[];

/** Per-second UID limit of an endpoint → its weight in units of the shared rule. */
export const weightFor = (perSecond: number): number => UID_BUDGET_UNITS / perSecond;

/** "Wait for at least 10 minutes" (every ban is the same length; Bybit documents no escalation). */
export const BAN_SEC = 600;

/** Bybit's rate-limit model as the fault layer enforces it. */
export const BYBIT_LIMITS: RateLimitModel = {
  rules: BYBIT_RULES,
  banLadderSec: [BAN_SEC],
  announcesWait: true,
  // Bybit bans on volume (the IP rule), never for "ignoring" a 10006. Requests the venue refuses
  // are not metered by the fault layer, so a client that keeps sending inside a refusal window is
  // banned once it has sent as many refused requests as the IP budget: an approximation of the
  // volume rule, documented in README.
  ignoredMax: 600,
};

/** An endpoint's own per-second limit as Bybit publishes it in `X-Bapi-Limit` (undefined: not UID-limited). */
export function endpointLimit(endpoint: EndpointInfo, budgetUnits: number = UID_BUDGET_UNITS): number | undefined {
  if (endpoint.weight <= 0) return undefined;
  return Math.floor(budgetUnits / endpoint.weight);
}

/**
 * The `X-Bapi-Limit*` headers for a UID-limited endpoint: the limit, what is left of it in this
 * window (`usage` includes the request itself), and the reset time — now (the venue's clock) when
 * there is budget left, else the end of the window. Undefined for endpoints without a UID limit
 * (Bybit's anonymous public answers carry none).
 */
export function bapiLimitHeaders(o: {
  endpoint: EndpointInfo;
  usage: UsageSnapshot;
  clockMs: number;
  windowEndClockMs: number;
  /** The budget in force when a scenario shrinks it (default: the published one). */
  budgetUnits?: number;
  /** The request was refused for this budget: nothing is left, whatever the counter says. */
  exhausted?: boolean;
}): Record<string, string> | undefined {
  const limit = endpointLimit(o.endpoint, o.budgetUnits);
  if (limit === undefined) return undefined;
  const usedRequests = Math.ceil((o.usage['uid1s'] ?? 0) / o.endpoint.weight);
  const remaining = o.exhausted === true ? 0 : Math.max(0, limit - usedRequests);
  return {
    'X-Bapi-Limit': String(limit),
    'X-Bapi-Limit-Status': String(remaining),
    'X-Bapi-Limit-Reset-Timestamp': String(remaining > 0 ? o.clockMs : o.windowEndClockMs),
  };
}
