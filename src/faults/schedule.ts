import { decideMaintenance } from './maintenance.ts';
import { decideOutage } from './outage.ts';
import { decideBan, decideRateLimit } from './rate-limit.ts';
import { initialRateLimitState, type DecideInput, type Fault, type FaultDecision, type RateLimitState } from './types.ts';

/**
 * The fault schedule: given a request (venue, endpoint, time) → what happens to it.
 *
 * Precedence when faults overlap, strongest first:
 * 1. outage — nothing answers, so nothing else can be seen;
 * 2. an IP ban (418) — enforced at the venue's edge, before any application logic;
 * 3. rate limit (429);
 * 4. maintenance — the application answers, refusing trading.
 * Among faults of the same kind the one that started first wins.
 */
export class FaultSchedule {
  readonly faults: readonly Fault[];
  readonly #rateLimitStates = new Map<string, RateLimitState>();
  readonly #byVenue = new Map<string, Fault[]>();

  constructor(faults: readonly Fault[]) {
    this.faults = [...faults].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
    for (const fault of this.faults) {
      const list = this.#byVenue.get(fault.venue) ?? [];
      list.push(fault);
      this.#byVenue.set(fault.venue, list);
    }
  }

  /** Faults active on a venue at a time. */
  active(venue: string, nowMs: number): Fault[] {
    return (this.#byVenue.get(venue) ?? []).filter((f) => f.startMs <= nowMs && nowMs < f.endMs);
  }

  rateLimitState(venue: string): RateLimitState {
    let state = this.#rateLimitStates.get(venue);
    if (state === undefined) {
      state = initialRateLimitState();
      this.#rateLimitStates.set(venue, state);
    }
    return state;
  }

  /** What the venue's status endpoint announces now. */
  systemStatus(venue: string, nowMs: number): 'normal' | 'maintenance' {
    return this.active(venue, nowMs).some((f) => f.kind === 'maintenance') ? 'maintenance' : 'normal';
  }

  /**
   * Whether a scenario fault (not the client's own misbehaviour, such as a ban it earned) keeps the
   * venue from taking a hedge at this time. Used by the exposure invariant's allowance.
   */
  blocksTrading(venue: string, nowMs: number): boolean {
    return this.active(venue, nowMs).length > 0;
  }

  decide(input: DecideInput): FaultDecision {
    const active = this.active(input.venue, input.nowMs);
    const outage = active.find((f) => f.kind === 'outage');
    if (outage !== undefined && outage.kind === 'outage') return decideOutage(outage, input.random);
    const state = this.rateLimitState(input.venue);
    const ban = decideBan(state, input.nowMs);
    if (ban !== undefined) return ban;
    const limited = active.find((f) => f.kind === 'rateLimit');
    if (limited !== undefined && limited.kind === 'rateLimit') return decideRateLimit(limited, state, input.nowMs);
    const maint = active.find((f) => f.kind === 'maintenance');
    if (maint !== undefined && maint.kind === 'maintenance') return decideMaintenance(maint, input.endpoint.group);
    return { action: 'pass' };
  }
}
