import { decideAckLoss } from './ack-loss.ts';
import { decideErrorRate } from './error-rate.ts';
import { latencyDelayMs } from './latency.ts';
import { decideMaintenance } from './maintenance.ts';
import { decideOutage, outageHits } from './outage.ts';
import { decideBan, decideRateLimit } from './rate-limit.ts';
import { initialRateLimitState, type DecideInput, type Fault, type FaultDecision, type RateLimitState, type TradingPhase } from './types.ts';

/**
 * The fault schedule: given a request (venue, endpoint, time) → what happens to it.
 *
 * Precedence when faults overlap, strongest first:
 * 1. outage — nothing answers, so nothing else can be seen;
 * 2. an IP ban (418) — enforced at the venue's edge, before any application logic;
 * 3. rate limit (429);
 * 4. errorRate — a transient 5xx before the venue acts;
 * 5. maintenance — the application answers, refusing trading;
 * 6. ackLoss — the venue acts, and the answer is lost.
 * Latency adds to whatever happens (`extraLatencyMs`); clock skew changes the venue's clock
 * (`clockSkewMs`), which the dialect's own timestamp check turns into errors.
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

  /** What the venue's status endpoint announces now: maintenance during a full window. */
  systemStatus(venue: string, nowMs: number): 'normal' | 'maintenance' {
    return this.active(venue, nowMs).some((f) => f.kind === 'maintenance' && f.phase === 'full') ? 'maintenance' : 'normal';
  }

  /** What the venue's matching engine accepts now; a partial maintenance phase restricts it. */
  tradingPhase(venue: string, nowMs: number): TradingPhase {
    const fault = this.active(venue, nowMs).find((f) => f.kind === 'maintenance' && f.phase !== 'full');
    return fault !== undefined && fault.kind === 'maintenance' && fault.phase !== 'full' ? fault.phase : 'normal';
  }

  /**
   * Whether a scenario fault (not the client's own misbehaviour, such as a ban it earned) keeps the
   * venue from taking a hedge at this time. Used by the exposure invariant's allowance. Latency,
   * clock skew (the client can re-sync), lost acknowledgements (orders still execute) and a
   * partial error rate leave the venue able to hedge.
   */
  blocksTrading(venue: string, nowMs: number): boolean {
    return this.active(venue, nowMs).some(
      (f) =>
        (f.kind === 'outage' && (f.scope === 'all' || f.scope === 'orders' || f.scope === 'private')) ||
        f.kind === 'rateLimit' ||
        // A full or cancel-only window refuses any hedge; post-only and reduce-only still take some.
        (f.kind === 'maintenance' && (f.phase === 'full' || f.phase === 'cancelOnly')) ||
        (f.kind === 'errorRate' && f.probability >= 1),
    );
  }

  /** Extra virtual delay for a request now (0 outside latency faults). `random` is the venue's fault stream. */
  extraLatencyMs(venue: string, nowMs: number, random: () => number): number {
    const fault = this.active(venue, nowMs).find((f) => f.kind === 'latency');
    if (fault === undefined || fault.kind !== 'latency') return 0;
    // Box–Muller from the venue's stream, so the draw is seeded like every other choice.
    const u = Math.max(random(), Number.EPSILON);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return latencyDelayMs(fault, z);
  }

  /** The time whose market the venue's tickers and books show: the window's start during staleData. */
  marketDataTimeMs(venue: string, nowMs: number): number {
    const fault = this.active(venue, nowMs).find((f) => f.kind === 'staleData');
    return fault !== undefined ? fault.startMs : nowMs;
  }

  /** How far behind the venue's account reads are now (0 outside readLag faults). */
  readLagMs(venue: string, nowMs: number): number {
    const fault = this.active(venue, nowMs).find((f) => f.kind === 'readLag');
    return fault !== undefined && fault.kind === 'readLag' ? fault.lagSec * 1000 : 0;
  }

  /** How far the venue's clock is off true time now (0 outside clock-skew faults). */
  clockSkewMs(venue: string, nowMs: number): number {
    const fault = this.active(venue, nowMs).find((f) => f.kind === 'clockSkew');
    return fault !== undefined && fault.kind === 'clockSkew' ? fault.skewMs : 0;
  }

  decide(input: DecideInput): FaultDecision {
    const active = this.active(input.venue, input.nowMs);
    const outage = active.find((f) => f.kind === 'outage' && outageHits(f.scope, input.endpoint));
    if (outage !== undefined && outage.kind === 'outage') return decideOutage(outage, input.random);
    const state = this.rateLimitState(input.venue);
    const ban = decideBan(state, input.nowMs);
    if (ban !== undefined) return ban;
    const limited = active.find((f) => f.kind === 'rateLimit');
    if (limited !== undefined && limited.kind === 'rateLimit') return decideRateLimit(limited, state, input.nowMs);
    const errors = active.find((f) => f.kind === 'errorRate');
    if (errors !== undefined && errors.kind === 'errorRate') {
      const decision = decideErrorRate(errors, input.random);
      if (decision !== undefined) return decision;
    }
    const maint = active.find((f) => f.kind === 'maintenance');
    if (maint !== undefined && maint.kind === 'maintenance') {
      const decision = decideMaintenance(maint, input.endpoint.group);
      if (decision.action !== 'pass') return decision;
    }
    const lost = active.find((f) => f.kind === 'ackLoss');
    if (lost !== undefined && lost.kind === 'ackLoss') {
      const decision = decideAckLoss(lost, input.endpoint, input.random);
      if (decision !== undefined) return decision;
    }
    return { action: 'pass' };
  }
}
