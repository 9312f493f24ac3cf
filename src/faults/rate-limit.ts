import type { RateLimitModel } from '../../mocks/types.ts';
import { banLengthSec, type LimitBreach } from './limits.ts';
import { faultWindowOf, type WindowOptions, type FaultDecision, type RateLimitFault, type RateLimitState } from './types.ts';

/**
 * Options for a scripted rate limit. Two forms:
 * - `budgetPct` — the venue's own limits shrink to this percent for the window (a busy venue, a
 *   lower tier, a shared IP): 429s come from the client's real usage, with the real `Retry-After`.
 * - otherwise — every request in the window is answered 429 with `retryAfterSec` (a 429 storm).
 * `banSec` fixes the ban a client earns inside the window (default: the dialect's growing ladder);
 * `ignoredMax` overrides how many sends inside `Retry-After` the venue tolerates before banning.
 */
export interface RateLimitOptions extends WindowOptions {
  retryAfterSec?: number;
  budgetPct?: number;
  banSec?: number;
  ignoredMax?: number;
  probability?: number;
}

/** Builds a rate-limit fault. */
export function rateLimit(opts: RateLimitOptions): RateLimitFault {
  return {
    ...faultWindowOf('rateLimit', opts),
    retryAfterSec: opts.retryAfterSec ?? 10,
    budgetPct: opts.budgetPct,
    banSec: opts.banSec,
    ignoredMax: opts.ignoredMax,
    probability: opts.probability ?? 1,
  };
}

/**
 * An active ban answers every request, inside or outside any fault window: bans are per IP and
 * outlast the 429 window, as Binance's do. Returns undefined when the IP is not banned.
 */
export function decideBan(state: RateLimitState, nowMs: number): FaultDecision | undefined {
  if (nowMs < state.bannedUntilMs) {
    return {
      action: 'banned',
      fault: undefined,
      retryAfterSec: Math.ceil((state.bannedUntilMs - nowMs) / 1000),
      bannedUntilMs: state.bannedUntilMs,
    };
  }
  return undefined;
}

/** Bans the IP for its next rung (or the fault's fixed `banSec`); undefined when the venue does not ban. */
function ban(state: RateLimitState, nowMs: number, limits: RateLimitModel, fault: RateLimitFault | undefined): FaultDecision | undefined {
  const lengthSec = fault?.banSec ?? banLengthSec(limits, state.numBans);
  if (lengthSec === undefined) return undefined;
  state.bannedUntilMs = nowMs + lengthSec * 1000;
  state.ignoredCount = 0;
  state.numBans += 1;
  return { action: 'banned', fault, retryAfterSec: lengthSec, bannedUntilMs: state.bannedUntilMs };
}

/**
 * A 429 for a request the venue refuses (`retryAfterSec` = what it tells the client). A request
 * sent before a previous `Retry-After` elapsed is "ignoring" it; more than `ignoredMax` of those
 * escalate to a ban. A client that waited out the last `Retry-After` has its lapses forgiven.
 * Mutates `state` (the venue's memory of this IP).
 */
function refuse(
  state: RateLimitState,
  nowMs: number,
  limits: RateLimitModel,
  fault: RateLimitFault | undefined,
  retryAfterSec: number,
  breach: LimitBreach | undefined,
): FaultDecision {
  if (nowMs < state.retryAfterUntilMs) {
    state.ignoredCount += 1;
    if (state.ignoredCount > (fault?.ignoredMax ?? limits.ignoredMax)) {
      const banned = ban(state, nowMs, limits, fault);
      if (banned !== undefined) return banned;
    }
    return { action: 'rateLimited', fault, retryAfterSec: Math.ceil((state.retryAfterUntilMs - nowMs) / 1000), breach };
  }
  state.ignoredCount = 0;
  state.retryAfterUntilMs = nowMs + retryAfterSec * 1000;
  return { action: 'rateLimited', fault, retryAfterSec, breach };
}

/** Inside a forced rate-limit window every request is refused with 429 and the window's `Retry-After`. */
export function decideRateLimit(fault: RateLimitFault, state: RateLimitState, nowMs: number, limits: RateLimitModel = NO_LIMITS): FaultDecision {
  return refuse(state, nowMs, limits, fault, fault.retryAfterSec, undefined);
}

/**
 * A request over one of the venue's budgets (its own limits, or a scripted `budgetPct`): 429 with
 * `Retry-After` = the end of the broken rule's window, or at once a ban where the rule says so
 * (Bybit's per-IP limit).
 */
export function decideBreach(breach: LimitBreach, state: RateLimitState, nowMs: number, limits: RateLimitModel, fault: RateLimitFault | undefined): FaultDecision {
  if (breach.rule.onBreach === 'ban') {
    const banned = ban(state, nowMs, limits, fault);
    if (banned !== undefined) return banned;
  }
  return refuse(state, nowMs, limits, fault, breach.retryAfterSec, breach);
}

/** A venue with no published limits (unit tests of the fault layer alone). */
export const NO_LIMITS: RateLimitModel = Object.freeze({ rules: [], banLadderSec: [], ignoredMax: 2, announcesWait: true });
