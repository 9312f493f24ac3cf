import { faultWindowOf, type WindowOptions, type FaultDecision, type RateLimitFault, type RateLimitState } from './types.ts';

/** Options for a scripted rate limit: the venue answers 429 for the window. */
export interface RateLimitOptions extends WindowOptions {
  retryAfterSec: number;
  banSec: number;
  ignoredMax?: number;
}

/** Builds a rate-limit fault. */
export function rateLimit(opts: RateLimitOptions): RateLimitFault {
  return {
    ...faultWindowOf('rateLimit', opts),
    retryAfterSec: opts.retryAfterSec,
    banSec: opts.banSec,
    ignoredMax: opts.ignoredMax ?? 2,
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

/**
 * Inside a rate-limit window every request is refused with 429 and a `Retry-After`. A request
 * sent before a previous `Retry-After` elapsed is "ignoring" it; more than `ignoredMax` of those
 * escalate to a 418 ban of `banSec`. Mutates `state` (the venue's memory of this IP).
 */
export function decideRateLimit(fault: RateLimitFault, state: RateLimitState, nowMs: number): FaultDecision {
  if (nowMs < state.retryAfterUntilMs) {
    state.ignoredCount += 1;
    if (state.ignoredCount > fault.ignoredMax) {
      state.bannedUntilMs = nowMs + fault.banSec * 1000;
      state.ignoredCount = 0;
      state.numBans += 1;
      return { action: 'banned', fault, retryAfterSec: fault.banSec, bannedUntilMs: state.bannedUntilMs };
    }
    return { action: 'rateLimited', fault, retryAfterSec: Math.ceil((state.retryAfterUntilMs - nowMs) / 1000) };
  }
  // The client waited out the last Retry-After: its earlier lapses are forgiven.
  state.ignoredCount = 0;
  state.retryAfterUntilMs = nowMs + fault.retryAfterSec * 1000;
  return { action: 'rateLimited', fault, retryAfterSec: fault.retryAfterSec };
}
