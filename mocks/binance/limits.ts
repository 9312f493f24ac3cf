import type { LimitRule, RateLimitModel } from '../types.ts';

/**
 * Binance USDⓈ-M's rate limits, as `exchangeInfo.rateLimits` publishes them (reference §2.1):
 * REQUEST_WEIGHT 2400 per minute per IP; ORDERS 1200 per minute and 300 per 10 s per account.
 * Exceeding one answers 429 with `Retry-After`; continuing after a 429 bans the IP (418),
 * "escalating from 2 minutes up to 3 days". Binance does not publish the steps in between; the
 * mock doubles the ban each time (2 min, 4, 8, … capped at 3 days) and says so in its README.
 */
export const BINANCE_USDM_RULES = [
  { id: 'weight1m', counts: 'weight', per: 'ip', windowMs: 60_000, limit: 2400 },
  { id: 'orders1m', counts: 'orders', per: 'account', windowMs: 60_000, limit: 1200 },
  { id: 'orders10s', counts: 'orders', per: 'account', windowMs: 10_000, limit: 300 },
] as const satisfies readonly LimitRule[];

const BAN_MIN_SEC = 120;
const BAN_MAX_SEC = 3 * 24 * 3600;

function doublingLadder(minSec: number, maxSec: number): number[] {
  const ladder: number[] = [];
  for (let s = minSec; s < maxSec; s *= 2) ladder.push(s);
  ladder.push(maxSec);
  return ladder;
}

export const BINANCE_USDM_LIMITS: RateLimitModel = {
  rules: BINANCE_USDM_RULES,
  banLadderSec: doublingLadder(BAN_MIN_SEC, BAN_MAX_SEC),
  ignoredMax: 2,
  announcesWait: true,
};

/** How `exchangeInfo.rateLimits` spells a rule. */
export function exchangeInfoRateLimits(): Array<{ rateLimitType: string; interval: string; intervalNum: number; limit: number }> {
  return BINANCE_USDM_RULES.map((r) => ({
    rateLimitType: r.counts === 'weight' ? 'REQUEST_WEIGHT' : 'ORDERS',
    interval: r.windowMs >= 60_000 ? 'MINUTE' : 'SECOND',
    intervalNum: r.windowMs >= 60_000 ? r.windowMs / 60_000 : r.windowMs / 1000,
    limit: r.limit,
  }));
}

/** The interval words Binance's 429 messages use ("per 1 MINUTE", "per TEN_SECONDS"). */
export function intervalWords(windowMs: number): string {
  if (windowMs === 10_000) return 'TEN_SECONDS';
  if (windowMs === 60_000) return 'ONE_MINUTE';
  return windowMs >= 60_000 ? `${windowMs / 60_000} MINUTE` : `${windowMs / 1000} SECOND`;
}
