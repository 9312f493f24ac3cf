import type { LimitRule, RateLimitModel } from '../types.ts';

/**
 * OKX v5's REST rate limits (https://www.okx.com/docs-v5/en/#overview-rate-limits; reference §3.1):
 *
 * - **Per endpoint**, "N requests per 2 seconds", each endpoint its own budget (public endpoints per
 *   IP, private per User ID — one client per venue here, so both are per venue). A breach answers
 *   50011. The limit of each served endpoint is in routes.ts and ./README.md.
 * - **Sub-account**: at most 1000 new and amended orders per 2 s across place/batch-place/amend,
 *   each batch element counted; a breach answers 50061.
 * - No IP ban is documented and no usage headers are sent.
 *
 * The fault layer's model has one `limit` per rule, so the per-endpoint budgets share one rule of
 * {@link ENDPOINT_BUDGET_UNITS} units per endpoint per 2 s, and an endpoint's `weight` is the
 * units one request costs: 600 / weight is its published limit (weight 10 → 60/2 s, 30 → 20/2 s).
 * A scripted `budgetPct` shrinks every endpoint's budget in proportion. Windows are fixed and
 * aligned to the epoch, as the fault layer counts every venue.
 */
export const ENDPOINT_BUDGET_UNITS = 600;
export const WINDOW_MS = 2_000;

export const OKX_RULES = [
  { id: 'endpoint2s', counts: 'weight', per: 'account', perEndpoint: true, windowMs: WINDOW_MS, limit: ENDPOINT_BUDGET_UNITS },
  { id: 'subAccountOrders2s', counts: 'orders', per: 'account', windowMs: WINDOW_MS, limit: 1000 },
] as const satisfies readonly LimitRule[];

/** Rule ids, for `renderRateLimited`. */
export const SUB_ACCOUNT_RULE_ID = 'subAccountOrders2s';

/** An endpoint's "N requests per 2 seconds" → its weight in units of the shared rule. */
export function weightFor(perTwoSeconds: number): number {
  const weight = ENDPOINT_BUDGET_UNITS / perTwoSeconds;
  if (!Number.isInteger(weight)) throw new Error(`venuechaos okx dialect: ${perTwoSeconds} per 2 s does not divide the ${ENDPOINT_BUDGET_UNITS}-unit budget`);
  return weight;
}

export const OKX_LIMITS: RateLimitModel = {
  rules: OKX_RULES,
  // OKX documents no IP ban: a client that keeps going keeps getting 50011. Only a scenario that
  // fixes `banSec` bans (rendered as continued 50011s, see index.ts `renderBanned`).
  banLadderSec: [],
  announcesWait: false,
  ignoredMax: 2,
};
