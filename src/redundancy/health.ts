import type { ErrorMeaning } from './errors.ts';

/**
 * The health of one venue as the reference engine sees it: an explicit state machine, fed by what
 * ccxt raised *and what it means* (`classifyError`, errors.ts), by probes and by the venue's status
 * endpoint. Every transition names its cause, and the engine logs it.
 *
 * ```
 *   healthy ──rejected / orders lost──► degraded ──avoidance elapsed──► healthy
 *   healthy|degraded ──429──► rateLimited ──Retry-After elapsed──► healthy
 *   any ──timeout / 5xx / refused──► down ──probe answered──► recovering ──reconciled──► healthy
 *   any ──OnMaintenance / status "maintenance"──► maintenance ──status "ok"──► recovering
 * ```
 *
 * - down: half-open. No traffic except one probe per probe interval (the budget), backing off ×2
 *   to `probeIntervalMsMax` — held at the minimum while the desk is stranded or an order of
 *   unknown outcome waits on the venue.
 * - rateLimited: no traffic at all until `Retry-After` (plus a second: venues round it) has
 *   passed. A 429 that names no wait (OKX) backs off 2 s, 4, 8, 16 while refusals continue — but
 *   never less than the wait the venue named on its last 429 that named one (Bybit names it on
 *   private endpoints only); a ban that names none (Bybit's 403) waits ten minutes.
 * - maintenance: only the status endpoint, every `statusPollMs`.
 * - recovering: the venue answered again; its unknown orders and positions are being reconciled,
 *   and no hedge goes there until that is done ("fails back when reconciliation agrees").
 * - degraded: answering, but a definite refusal or an order lost on its way keeps hedges
 *   elsewhere for a while (orders lost in a row double the wait, to 5 min). A venue avoided for
 *   a lost order is still a last resort (`lastResortAt`): when no other venue can take a hedge,
 *   one more try there risks only another lost order, which is looked up before any re-hedge —
 *   while waiting out the avoidance leaves the desk over its limit with nowhere to hedge.
 *
 * The class holds no clock and does no I/O: callers pass `nowMs`, so it is unit-testable and
 * deterministic.
 *
 * Why not a breaker library (cockatiel, opossum): their breakers count failures of one kind and
 * open on a threshold, with their own timers. Here a single answer decides the state — and which
 * state depends on what the error *means* (a 429 with a wait, a ban, a maintenance notice, a lost
 * order), each with its own exit (Retry-After, status poll, reconciliation). Expressed with a
 * breaker it would be this state machine again plus an adapter, with timers to keep on the
 * virtual clock; the machine is ~200 lines and its transitions are all in the trace.
 */

export type HealthState = 'healthy' | 'degraded' | 'rateLimited' | 'down' | 'maintenance' | 'recovering';

/** The states a venue is put in; `degraded` is derived (healthy while hedges avoid it). */
type BaseState = Exclude<HealthState, 'degraded'>;

export interface HealthOptions {
  probeIntervalMsMin: number;
  probeIntervalMsMax: number;
  statusPollMs: number;
}

/** Writes a decision to the trace (the engine's `ctx.log`). */
export type HealthLog = (message: string, data?: Record<string, unknown>) => void;

/** How long to keep hedges off a venue that refused one definitely (margin, validation…). */
export const REJECTED_AVOID_MS = 30_000;
/** How long to keep hedges off a venue whose order path lost an order, doubling per loss in a row, capped. */
export const ORDER_PATH_BACKOFF_MS = 30_000;
export const ORDER_PATH_BACKOFF_MAX_MS = 300_000;
/** Longest wait after a 429 that named none (OKX): the backoff doubles from 2 s up to this. */
export const SILENT_LIMIT_BACKOFF_MAX_SEC = 16;
/** Bybit's 403 IP ban names no wait; its docs say "wait at least 10 minutes". */
export const SILENT_BAN_SEC = 600;

export class VenueHealth {
  private base: BaseState = 'healthy';
  /** down: next probe; rateLimited: end of Retry-After; maintenance: next status poll. */
  untilMs = 0;
  probeIntervalMs: number;
  /** Hedges skip this venue until then (degraded). */
  avoidUntilMs = 0;
  /** Why: a definite refusal, or an order lost on its way (then still a last resort). */
  private avoidReason: 'rejected' | 'orderPath' = 'rejected';
  /** Orders in a row that never reached the venue although it answered the lookup. */
  ordersLost = 0;
  /** 429s in a row that named no wait, and when the last came (one refusal is applied once). */
  private silentLimits = 0;
  private silentLimitAtMs = -1;
  /** The last wait the venue named on a 429: the floor for a later 429 that names none. */
  private lastAnnouncedSec: number | undefined;
  /** Probes sent while down (the half-open budget spent), for reports and tests. */
  numProbes = 0;

  constructor(
    readonly venueId: string,
    private readonly opts: HealthOptions,
    private readonly log: HealthLog = () => undefined,
  ) {
    this.probeIntervalMs = opts.probeIntervalMsMin;
  }

  /** The state at `nowMs`, `degraded` included. Pure: use `refresh` to apply elapsed timers. */
  stateAt(nowMs: number): HealthState {
    if (this.base === 'healthy' && nowMs < this.avoidUntilMs) return 'degraded';
    return this.base;
  }

  /** The stored state (no `degraded`): what requests and probes go by. */
  get state(): BaseState {
    return this.base;
  }

  /** Applies timers that ended: a Retry-After that has passed makes the venue usable again. */
  refresh(nowMs: number): void {
    if (this.base === 'rateLimited' && nowMs >= this.untilMs) {
      this.base = 'healthy';
      this.log(`${this.venueId}: Retry-After elapsed, venue usable again`, { venue: this.venueId, health: 'healthy' });
    }
  }

  /** May a hedge be sent here now? (healthy and not avoided.) */
  tradableAt(nowMs: number): boolean {
    this.refresh(nowMs);
    return this.stateAt(nowMs) === 'healthy';
  }

  /**
   * Avoided only because its order path lost an order, and otherwise healthy: a hedge may still go
   * here when no other venue can take it.
   */
  lastResortAt(nowMs: number): boolean {
    this.refresh(nowMs);
    return this.stateAt(nowMs) === 'degraded' && this.avoidReason === 'orderPath';
  }

  /** A request must not leave now: the venue's Retry-After has not passed. */
  quietAt(nowMs: number): boolean {
    return this.base === 'rateLimited' && nowMs < this.untilMs;
  }

  /** A down venue's probe, or a maintenance venue's status poll, is due. */
  dueAt(nowMs: number): boolean {
    return nowMs >= this.untilMs;
  }

  /** Any request answered: a silent-429 streak is over. */
  onAnswered(): void {
    this.silentLimits = 0;
  }

  /**
   * What a failed request means for the venue. `retryAfterSec` is what the venue announced
   * (errors.ts `retryAfterSecFrom`), undefined when it said nothing. Returns true when the state
   * changed (or a timer moved).
   */
  onError(meaning: ErrorMeaning, nowMs: number, detail: { during: string; errorName: string; message?: string; retryAfterSec?: number | undefined }): void {
    switch (meaning) {
      case 'rateLimited':
      case 'banned':
        this.onRefused(meaning, nowMs, detail.during, detail.retryAfterSec);
        return;
      case 'maintenance':
        this.enterMaintenance(nowMs, detail.during);
        return;
      case 'unavailable':
      case 'unknownOutcome':
        this.markDown(nowMs, `${detail.errorName} on ${detail.during}`);
        return;
      case 'clockSkew':
        // A local clock problem, not an outage: the caller re-syncs; health is unchanged.
        return;
      case 'rejected':
        this.avoidUntilMs = nowMs + REJECTED_AVOID_MS;
        this.avoidReason = 'rejected';
        this.log(`${this.venueId}: ${detail.during} rejected (${detail.errorName}: ${String(detail.message ?? '').slice(0, 160)}); avoiding for ${REJECTED_AVOID_MS / 1000} s`, {
          venue: this.venueId,
        });
        return;
    }
  }

  private onRefused(meaning: 'rateLimited' | 'banned', nowMs: number, during: string, announcedSec: number | undefined): void {
    if (announcedSec === undefined && meaning === 'rateLimited' && this.silentLimitAtMs !== nowMs) {
      this.silentLimits += 1;
      this.silentLimitAtMs = nowMs;
    }
    if (announcedSec !== undefined && meaning === 'rateLimited') this.lastAnnouncedSec = announcedSec;
    // A venue that named its wait before and names none now (Bybit's public endpoints carry no
    // X-Bapi-Limit headers) is still in the same storm: wait at least as long as it said last time.
    const silentSec = Math.max(Math.min(2 ** this.silentLimits, SILENT_LIMIT_BACKOFF_MAX_SEC), this.lastAnnouncedSec ?? 0);
    const retryAfterSec = announcedSec ?? (meaning === 'banned' ? SILENT_BAN_SEC : silentSec);
    // One extra second: Retry-After is rounded to whole seconds by the venue.
    const untilMs = nowMs + retryAfterSec * 1000 + 1000;
    if (this.base === 'rateLimited' && this.untilMs >= untilMs) return; // the same refusal, already applied
    this.base = 'rateLimited';
    this.untilMs = untilMs;
    this.log(`${this.venueId}: ${meaning === 'banned' ? 'IP banned' : 'rate limited'} on ${during}; honouring Retry-After ${retryAfterSec} s`, {
      venue: this.venueId,
      health: 'rateLimited',
      retryAfterSec,
    });
  }

  markDown(nowMs: number, reason: string): void {
    if (this.base !== 'down') {
      this.probeIntervalMs = this.opts.probeIntervalMsMin;
      this.log(`${this.venueId}: marked down (${reason}); probing every ${this.probeIntervalMs / 1000} s`, { venue: this.venueId, health: 'down' });
    }
    this.base = 'down';
    this.untilMs = nowMs + this.probeIntervalMs;
  }

  enterMaintenance(nowMs: number, during: string): void {
    this.base = 'maintenance';
    this.untilMs = nowMs + this.opts.statusPollMs;
    this.log(`${this.venueId}: in maintenance (${during}); polling status every ${this.opts.statusPollMs / 1000} s`, { venue: this.venueId, health: 'maintenance' });
  }

  /** A probe is about to leave (counts against the half-open budget). */
  onProbeSent(): void {
    this.numProbes += 1;
  }

  /** A down venue answered its probe (or the lookup that served as one). */
  onProbeAnswered(what: 'probe' | 'order lookup'): void {
    this.log(`${this.venueId}: ${what} answered; venue recovering`, { venue: this.venueId, health: 'recovering' });
    this.base = 'recovering';
  }

  /**
   * A probe found the venue still unreachable. `fast`: an order of unknown outcome waits on it
   * (ask again next tick); `urgent`: the desk is stranded (hold the minimum interval).
   */
  onProbeFailed(nowMs: number, how: { fast: boolean; urgent: boolean; tickMs: number }): void {
    this.probeIntervalMs = how.fast || how.urgent ? this.opts.probeIntervalMsMin : Math.min(this.probeIntervalMs * 2, this.opts.probeIntervalMsMax);
    this.untilMs = nowMs + (how.fast ? how.tickMs : this.probeIntervalMs);
  }

  /** The status endpoint said "ok" while in maintenance. */
  onStatusOk(): void {
    this.log(`${this.venueId}: status ok; maintenance over`, { venue: this.venueId, health: 'recovering' });
    this.base = 'recovering';
  }

  /** Still in maintenance: poll again later. */
  onStatusMaintenance(nowMs: number): void {
    this.untilMs = nowMs + this.opts.statusPollMs;
  }

  /** Reconciliation after recovery is done (or was attempted and left the state alone). */
  onReconciled(): void {
    if (this.base !== 'recovering') return;
    this.base = 'healthy';
    this.log(`${this.venueId}: reconciled after recovery; venue healthy`, { venue: this.venueId, health: 'healthy' });
  }

  /** An order reached the venue (its outcome is known). */
  onOrderReached(): void {
    this.ordersLost = 0;
  }

  /** The venue answers its lookup but never saw the order: its order path is down while the rest answers. */
  onOrderLost(nowMs: number): number {
    this.ordersLost += 1;
    const avoidMs = Math.min(ORDER_PATH_BACKOFF_MS * 2 ** (this.ordersLost - 1), ORDER_PATH_BACKOFF_MAX_MS);
    if (nowMs >= this.avoidUntilMs || nowMs + avoidMs > this.avoidUntilMs) this.avoidReason = 'orderPath';
    this.avoidUntilMs = Math.max(this.avoidUntilMs, nowMs + avoidMs);
    this.log(`${this.venueId}: ${this.ordersLost} order(s) in a row lost before reaching the venue while it answers reads; hedging elsewhere for ${avoidMs / 1000} s`, { venue: this.venueId });
    return avoidMs;
  }
}
