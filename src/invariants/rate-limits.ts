import { result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * After a rate-limit refusal or a ban the venue's wait is honoured: no request to that venue until
 * it has passed, counted from the moment the response reached the client. Keyed on the transport's
 * outcome, not the HTTP status: Binance refuses with 429/418 and `Retry-After`, Bybit with HTTP 200
 * retCode 10006 (reset in `X-Bapi-Limit-Reset-Timestamp`) and bans with 403.
 */
export const retryAfterInvariant: Invariant = {
  name: 'retryAfter',
  description: 'no request to a venue inside the Retry-After of its last rate-limit refusal or ban',
  check(input: InvariantInput) {
    const quietUntil = new Map<string, { untilMs: number; status: number; atMs: number }>();
    const violations: Violation[] = [];
    for (const event of input.trace) {
      const venue = event.venue;
      if (venue === undefined) continue;
      if (event.type === 'response' && (event['outcome'] === 'rateLimited' || event['outcome'] === 'banned') && typeof event['retryAfterSec'] === 'number') {
        const untilMs = event.tMs + event['retryAfterSec'] * 1000;
        const current = quietUntil.get(venue);
        if (current === undefined || current.untilMs < untilMs) quietUntil.set(venue, { untilMs, status: event['status'] as number, atMs: event.tMs });
      } else if (event.type === 'request') {
        const quiet = quietUntil.get(venue);
        if (quiet !== undefined && event.tMs < quiet.untilMs) {
          violations.push({
            tMs: event.tMs,
            venue,
            excess: (quiet.untilMs - event.tMs) / 1000,
            message: `${venue}: ${String(event['endpoint'])} sent ${((quiet.untilMs - event.tMs) / 1000).toFixed(3)} s before the Retry-After of the ${quiet.status} at +${(quiet.atMs / 1000).toFixed(3)} s had passed`,
          });
        }
      }
    }
    return result('retryAfter', violations);
  },
};

/** An IP ban (Binance 418, Bybit 403 "access too frequent") is never earned. */
export const noBanInvariant: Invariant = {
  name: 'noBan',
  description: 'no IP ban, ever',
  check(input: InvariantInput) {
    const violations: Violation[] = [];
    for (const event of input.trace) {
      if (event.type === 'response' && event['outcome'] === 'banned') {
        violations.push({
          tMs: event.tMs,
          venue: event.venue,
          message: `${event.venue}: IP banned (HTTP ${String(event['status'])}) on ${String(event['endpoint'])} for ${String(event['retryAfterSec'])} s`,
        });
      }
    }
    return result('noBan', violations);
  },
};
