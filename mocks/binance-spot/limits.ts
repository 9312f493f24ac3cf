import type { LimitRule, RateLimitModel } from '../types.ts';

/**
 * Binance spot's rate limits, as `exchangeInfo.rateLimits` publishes them (reference §2.1, §8:
 * the docs' examples disagree; this mock serves one set and enforces exactly it):
 * REQUEST_WEIGHT 6000 per minute and RAW_REQUESTS 61000 per 5 minutes per IP (enums.md example);
 * ORDERS 50 per 10 s and 160000 per day per account (`GET /api/v3/rateLimit/order` example).
 * Exceeding one answers 429 with `Retry-After`; continuing after a 429 bans the IP (418),
 * "escalating from 2 minutes up to 3 days". Binance does not publish the steps in between; the
 * mock doubles the ban each time (2 min, 4, 8, … capped at 3 days), as the USDⓈ-M dialect does.
 */
export const BINANCE_SPOT_RULES = [
  { id: 'weight1m', counts: 'weight', per: 'ip', windowMs: 60_000, limit: 6000 },
  { id: 'raw5m', counts: 'requests', per: 'ip', windowMs: 300_000, limit: 61000 },
  { id: 'orders10s', counts: 'orders', per: 'account', windowMs: 10_000, limit: 50 },
  { id: 'orders1d', counts: 'orders', per: 'account', windowMs: 86_400_000, limit: 160000 },
] as const satisfies readonly LimitRule[];

const BAN_MIN_SEC = 120;
const BAN_MAX_SEC = 3 * 24 * 3600;

function doublingLadder(minSec: number, maxSec: number): number[] {
  const ladder: number[] = [];
  for (let s = minSec; s < maxSec; s *= 2) ladder.push(s);
  ladder.push(maxSec);
  return ladder;
}

export const BINANCE_SPOT_LIMITS: RateLimitModel = {
  rules: BINANCE_SPOT_RULES,
  banLadderSec: doublingLadder(BAN_MIN_SEC, BAN_MAX_SEC),
  ignoredMax: 2,
  announcesWait: true,
};

const INTERVALS: ReadonlyArray<[ms: number, interval: string]> = [
  [86_400_000, 'DAY'],
  [3_600_000, 'HOUR'],
  [60_000, 'MINUTE'],
  [1000, 'SECOND'],
];

/** Binance's (interval, intervalNum) for a window: the largest unit that divides it. */
export function intervalOf(windowMs: number): { interval: string; intervalNum: number } {
  for (const [ms, interval] of INTERVALS) if (windowMs % ms === 0) return { interval, intervalNum: windowMs / ms };
  return { interval: 'SECOND', intervalNum: windowMs / 1000 };
}

/** How `exchangeInfo.rateLimits` spells the rules. */
export function exchangeInfoRateLimits(): Array<{ rateLimitType: string; interval: string; intervalNum: number; limit: number }> {
  return BINANCE_SPOT_RULES.map((r) => ({
    rateLimitType: r.counts === 'weight' ? 'REQUEST_WEIGHT' : r.counts === 'orders' ? 'ORDERS' : 'RAW_REQUESTS',
    ...intervalOf(r.windowMs),
    limit: r.limit,
  }));
}

/** The interval words of Binance's 429 messages ("per 10 SECOND", "per 1 DAY", "per 1 MINUTE"). */
export function intervalWords(windowMs: number): string {
  const { interval, intervalNum } = intervalOf(windowMs);
  return `${intervalNum} ${interval}`;
}
