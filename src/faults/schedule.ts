import { decideAckLoss } from './ack-loss.ts';
import { decideErrorRate } from './error-rate.ts';
import { latencyDelayMs } from './latency.ts';
import { decideMaintenance } from './maintenance.ts';
import { decideOutage, outageHits } from './outage.ts';
import type { MaintenanceNotice, UsageSnapshot } from '../../mocks/types.ts';
import { UsageMeter } from './limits.ts';
import { NO_LIMITS, decideBan, decideBreach, decideRateLimit } from './rate-limit.ts';
import { initialRateLimitState, type DecideInput, type RateLimitFault, type Fault, type FaultDecision, type RateLimitState, type TradingPhase } from './types.ts';

/**
 * The fault schedule: given a request (venue, endpoint, time) → what happens to it.
 *
 * Precedence when faults overlap, strongest first:
 * 1. outage — nothing answers, so nothing else can be seen;
 * 2. an IP ban (418) — enforced at the venue's edge, before any application logic;
 * 3. rate limit (429): a scripted 429 storm, then the venue's own budgets (the dialect's
 *    `limits`, shrunk by a scripted `budgetPct`) — a request that fits is counted;
 * 4. errorRate — a transient 5xx before the venue acts;
 * 5. maintenance — the application answers, refusing trading;
 * 6. ackLoss — the venue acts, and the answer is lost.
 * Latency adds to whatever happens (`extraLatencyMs`); clock skew changes the venue's clock
 * (`clockSkewMs`), which the dialect's own timestamp check turns into errors.
 * Among faults of the same kind the one that started first wins. A fault with `probability` < 1
 * hits each request with that chance (one draw from the venue's fault stream); at 1 nothing is drawn.
 */
export class FaultSchedule {
  readonly faults: readonly Fault[];
  readonly #rateLimitStates = new Map<string, RateLimitState>();
  readonly #byVenue = new Map<string, Fault[]>();
  readonly #meters = new Map<string, UsageMeter>();

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

  /** The venue's usage counters (one client per venue: its IP and its account). */
  meter(venue: string): UsageMeter {
    let meter = this.#meters.get(venue);
    if (meter === undefined) {
      meter = new UsageMeter();
      this.#meters.set(venue, meter);
    }
    return meter;
  }

  /** Usage as the venue counts it now, for the dialect's usage headers. */
  usage(venue: string, input: Pick<DecideInput, 'endpoint' | 'nowMs' | 'limits'>): UsageSnapshot {
    return this.meter(venue).snapshot(input.limits ?? NO_LIMITS, input.endpoint, input.nowMs);
  }

  /** What the venue's status endpoint announces now: maintenance during a full window. */
  systemStatus(venue: string, nowMs: number): 'normal' | 'maintenance' {
    return this.active(venue, nowMs).some((f) => f.kind === 'maintenance' && f.phase === 'full') ? 'maintenance' : 'normal';
  }

  /** Maintenance windows the venue announces now: ongoing ones, and upcoming ones within their `announcedAheadSec`. */
  announcedMaintenance(venue: string, nowMs: number): MaintenanceNotice[] {
    const notices: MaintenanceNotice[] = [];
    for (const f of this.#byVenue.get(venue) ?? []) {
      if (f.kind !== 'maintenance' || nowMs >= f.endMs || nowMs < f.startMs - f.announcedAheadSec * 1000) continue;
      notices.push({ id: f.id, startMs: f.startMs, endMs: f.endMs, phase: f.phase, state: nowMs < f.startMs ? 'scheduled' : 'ongoing' });
    }
    return notices;
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
        (f.kind === 'outage' && (f.scope === 'all' || f.scope === 'orders' || f.scope === 'private') && f.probability >= 1) ||
        (f.kind === 'rateLimit' && f.budgetPct === undefined && f.probability >= 1) ||
        // A full or cancel-only window refuses any hedge; post-only and reduce-only still take some.
        (f.kind === 'maintenance' && (f.phase === 'full' || f.phase === 'cancelOnly') && f.probability >= 1) ||
        (f.kind === 'errorRate' && f.probability >= 1),
    );
  }

  /**
   * Whether a signed read (an order lookup, positions, balances) on the venue fails for sure now:
   * an outage of the whole API or its private part, a rate limit without a budget, a full
   * maintenance window, or every request failing (errorRate) — each at probability 1. An outage
   * of the order path alone leaves reads answering.
   */
  blocksReading(venue: string, nowMs: number): boolean {
    return this.active(venue, nowMs).some(
      (f) =>
        (f.kind === 'outage' && (f.scope === 'all' || f.scope === 'private') && f.probability >= 1) ||
        (f.kind === 'rateLimit' && f.budgetPct === undefined && f.probability >= 1) ||
        (f.kind === 'maintenance' && f.phase === 'full' && f.probability >= 1) ||
        (f.kind === 'errorRate' && f.probability >= 1),
    );
  }

  /** Extra virtual delay for a request now (0 outside latency faults). `random` is the venue's fault stream. */
  extraLatencyMs(venue: string, nowMs: number, random: () => number): number {
    const fault = this.active(venue, nowMs).find((f) => f.kind === 'latency');
    if (fault === undefined || fault.kind !== 'latency' || !hits(fault.probability, random)) return 0;
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
    if (outage !== undefined && outage.kind === 'outage' && hits(outage.probability, input.random)) return decideOutage(outage, input.random);
    const state = this.rateLimitState(input.venue);
    const ban = decideBan(state, input.nowMs);
    if (ban !== undefined) return ban;
    const limits = input.limits ?? NO_LIMITS;
    const storm = active.find((f) => f.kind === 'rateLimit' && f.budgetPct === undefined);
    if (storm !== undefined && storm.kind === 'rateLimit' && hits(storm.probability, input.random)) return decideRateLimit(storm, state, input.nowMs, limits);
    // The venue's own budgets, shrunk by the tightest scripted budget now active.
    let tightened: RateLimitFault | undefined;
    for (const f of active) {
      if (f.kind === 'rateLimit' && f.budgetPct !== undefined && (tightened === undefined || f.budgetPct < (tightened.budgetPct ?? 100))) tightened = f;
    }
    const meter = this.meter(input.venue);
    const breach = meter.check(limits, input.endpoint, input.nowMs, tightened?.budgetPct ?? 100);
    if (breach !== undefined) {
      // A breach the scripted budget caused is that fault's; one within the published limits is the client's own.
      const cause = tightened !== undefined && meter.check(limits, input.endpoint, input.nowMs, 100) === undefined ? tightened : undefined;
      return decideBreach(breach, state, input.nowMs, limits, cause);
    }
    meter.commit(limits, input.endpoint, input.nowMs);
    const errors = active.find((f) => f.kind === 'errorRate');
    if (errors !== undefined && errors.kind === 'errorRate') {
      const decision = decideErrorRate(errors, input.random);
      if (decision !== undefined) return decision;
    }
    const maint = active.find((f) => f.kind === 'maintenance');
    if (maint !== undefined && maint.kind === 'maintenance' && hits(maint.probability, input.random)) {
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

/** Whether a fault with this per-request probability hits; draws only when it is below 1, so certain faults consume no randomness. */
function hits(probability: number, random: () => number): boolean {
  return probability >= 1 || random() < probability;
}
