import { result, type Invariant, type InvariantInput, type Violation } from './types.ts';

/**
 * After a rate-limit refusal or a ban the venue's wait is honoured: no request to that venue until
 * it has passed. Keyed on the transport's outcome, not the HTTP status: Binance refuses with
 * 429/418 and `Retry-After`, Bybit with HTTP 200 retCode 10006 and bans with 403.
 *
 * When the wait ends depends on how the venue states it (the transport records what the response
 * said, src/net/transport.ts `statedWaitOf`):
 * - a relative wait (`retryAfterSec`: Binance's `Retry-After`) counts from the moment the response
 *   reached the client — the only moment the client can count from;
 * - an absolute reset (`retryAtMs`: Bybit's `X-Bapi-Limit-Reset-Timestamp`, on the run's clock)
 *   ends at that instant: the venue counts its window in its own time, not from when its answer
 *   arrived, so a request sent at or after the stated reset honours it. Counting from receipt
 *   instead would demand half a round trip more than the venue asked for. (Sending at the reset
 *   less the one-way latency would also reach the venue in time, but no client knows that latency,
 *   so the send time is what is held to the reset.)
 * A refusal that names no wait records neither and sets no quiet period here.
 */
export const retryAfterInvariant: Invariant = {
  name: 'retryAfter',
  description: 'no request to a venue inside the Retry-After (or before the stated reset) of its last rate-limit refusal or ban',
  check(input: InvariantInput) {
    const quietUntil = new Map<string, { untilMs: number; status: number; atMs: number; absolute: boolean }>();
    const violations: Violation[] = [];
    for (const event of input.trace) {
      const venue = event.venue;
      if (venue === undefined) continue;
      if (event.type === 'response' && (event['outcome'] === 'rateLimited' || event['outcome'] === 'banned')) {
        const retryAtMs = event['retryAtMs'];
        const retryAfterSec = event['retryAfterSec'];
        const absolute = typeof retryAtMs === 'number';
        const untilMs = absolute ? retryAtMs : typeof retryAfterSec === 'number' ? event.tMs + retryAfterSec * 1000 : undefined;
        if (untilMs === undefined) continue;
        const current = quietUntil.get(venue);
        if (current === undefined || current.untilMs < untilMs) quietUntil.set(venue, { untilMs, status: event['status'] as number, atMs: event.tMs, absolute });
      } else if (event.type === 'request') {
        const quiet = quietUntil.get(venue);
        if (quiet !== undefined && event.tMs < quiet.untilMs) {
          const early = ((quiet.untilMs - event.tMs) / 1000).toFixed(3);
          const what = quiet.absolute ? `the reset (+${(quiet.untilMs / 1000).toFixed(3)} s) stated by the ${quiet.status}` : `the Retry-After of the ${quiet.status}`;
          violations.push({
            tMs: event.tMs,
            venue,
            excess: (quiet.untilMs - event.tMs) / 1000,
            message: `${venue}: ${String(event['endpoint'])} sent ${early} s before ${what} at +${(quiet.atMs / 1000).toFixed(3)} s had passed`,
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
