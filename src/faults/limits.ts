import type { EndpointInfo, LimitRule, RateLimitModel, UsageSnapshot } from '../../mocks/types.ts';

/**
 * The venue side of a rate-limit model: counters per rule (and per endpoint where the rule says
 * so) in fixed windows aligned to the epoch, as Binance resets its weight counter on the minute.
 * Pure state, time passed in. One meter per venue (one client per venue: one IP, one account).
 */
export interface LimitBreach {
  rule: LimitRule;
  /** The budget actually enforced (the rule's limit scaled by a scripted `budgetPct`). */
  limit: number;
  /** Seconds until the rule's window ends and the budget is back. */
  retryAfterSec: number;
}

interface Counter {
  windowStartMs: number;
  used: number;
}

/** What one request adds to a rule's counter. */
export function costOf(rule: LimitRule, endpoint: EndpointInfo): number {
  switch (rule.counts) {
    case 'weight':
      return endpoint.weight;
    case 'orders':
      return endpoint.orderCount;
    case 'requests':
      return 1;
  }
}

export class UsageMeter {
  readonly #counters = new Map<string, Counter>();

  #counter(rule: LimitRule, endpoint: EndpointInfo, nowMs: number): Counter {
    const key = rule.perEndpoint === true ? `${rule.id} ${endpoint.endpoint}` : rule.id;
    const windowStartMs = Math.floor(nowMs / rule.windowMs) * rule.windowMs;
    let counter = this.#counters.get(key);
    if (counter === undefined) {
      counter = { windowStartMs, used: 0 };
      this.#counters.set(key, counter);
    } else if (counter.windowStartMs !== windowStartMs) {
      counter.windowStartMs = windowStartMs;
      counter.used = 0;
    }
    return counter;
  }

  /**
   * The first rule this request would break, or undefined when it fits every budget. `budgetPct`
   * (100 = the exchange's published limits) shrinks every budget, as a scenario's tightened
   * `rateLimit` fault does. A breach does not count: the venue refused the request.
   */
  check(model: RateLimitModel, endpoint: EndpointInfo, nowMs: number, budgetPct = 100): LimitBreach | undefined {
    for (const rule of model.rules) {
      const cost = costOf(rule, endpoint);
      if (cost === 0) continue;
      const limit = Math.max(1, Math.floor((rule.limit * budgetPct) / 100));
      const counter = this.#counter(rule, endpoint, nowMs);
      if (counter.used + cost > limit) {
        return { rule, limit, retryAfterSec: Math.max(1, Math.ceil((counter.windowStartMs + rule.windowMs - nowMs) / 1000)) };
      }
    }
    return undefined;
  }

  /** Counts a request the venue accepted against every budget it uses. */
  commit(model: RateLimitModel, endpoint: EndpointInfo, nowMs: number): void {
    for (const rule of model.rules) {
      const cost = costOf(rule, endpoint);
      if (cost > 0) this.#counter(rule, endpoint, nowMs).used += cost;
    }
  }

  /** Usage now by rule id, as the venue reports it in headers (per-endpoint rules: this endpoint's counter). */
  snapshot(model: RateLimitModel, endpoint: EndpointInfo, nowMs: number): UsageSnapshot {
    const usage: Record<string, number> = {};
    for (const rule of model.rules) usage[rule.id] = this.#counter(rule, endpoint, nowMs).used;
    return usage;
  }
}

/** The ban a client earns on its `n`-th ban (0-based): the ladder's rung, the last one repeating. */
export function banLengthSec(model: RateLimitModel, n: number): number | undefined {
  if (model.banLadderSec.length === 0) return undefined;
  return model.banLadderSec[Math.min(n, model.banLadderSec.length - 1)];
}

/**
 * A venue's limits for an account on a raised (or lowered) tier: every budget scaled to `tierPct`
 * of the published one (at least 1), windows, ladder and `ignoredMax` unchanged. 100 returns the
 * model itself.
 */
export function scaleRateLimits(model: RateLimitModel, tierPct: number): RateLimitModel {
  if (tierPct === 100) return model;
  return { ...model, rules: model.rules.map((rule) => ({ ...rule, limit: Math.max(1, Math.floor((rule.limit * tierPct) / 100)) })) };
}
