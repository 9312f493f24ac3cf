/**
 * The rate-limit governor: per-venue request budgets read from the usage headers each venue sends,
 * and two priority lanes. Orders and the lookups that settle an order of unknown outcome travel
 * in the `risk` lane and are never held back by the governor (only a venue's own Retry-After
 * stops them: see health.ts). Routine reads — periodic position reconciliation, status polls —
 * travel in the `routine` lane and yield once a budget is nearly spent, so the last of a venue's
 * budget is kept for the hedge that reduces exposure.
 *
 * Headers read (see mocks/<dialect>/README.md and reference §2.1, §4.1):
 *
 * | venue | header | budget |
 * |---|---|---|
 * | Binance (spot, USDⓈ-M) | `X-MBX-USED-WEIGHT-1M` | request weight per minute (IP) |
 * | | `X-MBX-ORDER-COUNT-10S`, `-1M`, `-1D` | orders per window (account) |
 * | Bybit | `X-Bapi-Limit`, `X-Bapi-Limit-Status`, `X-Bapi-Limit-Reset-Timestamp` | the endpoint's per-second limit, what is left, when it resets |
 * | OKX, Kraken | — | they send none; their 429s / `EAPI:Rate limit exceeded` go to health.ts |
 *
 * Binance's headers give usage only: the limits come from `exchangeInfo.rateLimits` when the
 * engine has it (`setLimits`), else from the published defaults below. Binance counts in fixed
 * windows aligned to the epoch, so a reading is good until the end of its window.
 *
 * Pure: callers pass `nowMs`; no clock, no I/O.
 */

export type Lane = 'risk' | 'routine';

export interface Budget {
  /** e.g. `weight1m`, `orders10s`, `bapi`. */
  name: string;
  used: number;
  limit: number;
  /** Epoch ms at which the count starts again. */
  resetAtMs: number;
}

export interface GovernorOptions {
  /** The share of each budget kept for the risk lane: routine reads yield once less than this is left. */
  reserveFraction: number;
}

/** Binance windows by header suffix: window length in ms. */
const BINANCE_WINDOWS: Readonly<Record<string, number>> = { '10S': 10_000, '1M': 60_000, '1D': 86_400_000 };

/** Published defaults (exchangeInfo.rateLimits) by ccxt id, used until the venue's own are known. */
export const DEFAULT_BINANCE_LIMITS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  binanceusdm: { weight1m: 2400, orders10s: 300, orders1m: 1200 },
  binance: { weight1m: 6000, orders10s: 50, orders1d: 160_000 },
};

/**
 * The budgets a response's headers report. `limits` gives Binance's limits by budget name
 * (`weight1m`, `orders10s`…); an unknown limit leaves that budget out.
 */
export function budgetsFromHeaders(headers: Record<string, string> | undefined, nowMs: number, limits: Readonly<Record<string, number>> = {}): Budget[] {
  const budgets: Budget[] = [];
  let bapi: Partial<Budget> | undefined;
  for (const [key, value] of Object.entries(headers ?? {})) {
    const name = key.toLowerCase();
    const n = Number(value);
    if (!Number.isFinite(n)) continue;
    const binance = /^x-mbx-(used-weight|order-count)-(\d+[smd])$/.exec(name);
    if (binance !== null) {
      const suffix = (binance[2] ?? '').toUpperCase();
      const windowMs = BINANCE_WINDOWS[suffix];
      const budgetName = `${binance[1] === 'used-weight' ? 'weight' : 'orders'}${suffix.toLowerCase()}`;
      const limit = limits[budgetName];
      if (windowMs === undefined || limit === undefined) continue;
      budgets.push({ name: budgetName, used: n, limit, resetAtMs: (Math.floor(nowMs / windowMs) + 1) * windowMs });
      continue;
    }
    if (name === 'x-bapi-limit') (bapi ??= {}).limit = n;
    else if (name === 'x-bapi-limit-status') (bapi ??= {}).used = n; // remaining, turned into used below
    else if (name === 'x-bapi-limit-reset-timestamp') (bapi ??= {}).resetAtMs = n;
  }
  if (bapi?.limit !== undefined && bapi.used !== undefined) {
    // Bybit resets its per-second windows continuously; when it names no reset, assume one second.
    budgets.push({ name: 'bapi', limit: bapi.limit, used: bapi.limit - bapi.used, resetAtMs: bapi.resetAtMs !== undefined && bapi.resetAtMs > nowMs ? bapi.resetAtMs : nowMs + 1000 });
  }
  return budgets;
}

export class RateGovernor {
  private readonly budgets = new Map<string, Map<string, Budget>>();
  private readonly limits = new Map<string, Readonly<Record<string, number>>>();
  /** The reset time of the budget a venue's routine lane last yielded to (log once per window). */
  private readonly yieldedUntil = new Map<string, number>();

  constructor(private readonly opts: GovernorOptions = { reserveFraction: 0.2 }) {}

  /** Binance's limits for this venue (from exchangeInfo.rateLimits, or the defaults). */
  setLimits(venueId: string, limits: Readonly<Record<string, number>>): void {
    this.limits.set(venueId, limits);
  }

  /** Records what a response's headers said about the venue's budgets. */
  observe(venueId: string, headers: Record<string, string> | undefined, nowMs: number): void {
    const found = budgetsFromHeaders(headers, nowMs, this.limits.get(venueId));
    if (found.length === 0) return;
    const mine = this.budgets.get(venueId) ?? new Map<string, Budget>();
    for (const b of found) mine.set(b.name, b);
    this.budgets.set(venueId, mine);
  }

  /** The tightest budget still counting at `nowMs`, if any. */
  tightest(venueId: string, nowMs: number): Budget | undefined {
    let worst: Budget | undefined;
    for (const b of this.budgets.get(venueId)?.values() ?? []) {
      if (nowMs >= b.resetAtMs) continue;
      if (worst === undefined || b.used / b.limit > worst.used / worst.limit) worst = b;
    }
    return worst;
  }

  /**
   * May a request in this lane leave now? The risk lane always may (the venue's Retry-After is
   * health's business); a routine read may not once a budget has less than the reserve left.
   * Returns the budget it yields to, or undefined when admitted.
   */
  holdsBack(venueId: string, lane: Lane, nowMs: number): Budget | undefined {
    if (lane === 'risk') return undefined;
    const b = this.tightest(venueId, nowMs);
    if (b === undefined) return undefined;
    return b.limit - b.used < b.limit * this.opts.reserveFraction ? b : undefined;
  }

  /** True the first time a routine read yields within a budget's window (so the engine logs it once). */
  firstYield(venueId: string, budget: Budget): boolean {
    if (this.yieldedUntil.get(venueId) === budget.resetAtMs) return false;
    this.yieldedUntil.set(venueId, budget.resetAtMs);
    return true;
  }
}
