/**
 * Scheduled maintenance windows, as each venue announces them on its status endpoint (ccxt
 * `fetchStatus`), and the question the hedge router asks of them: "may a hedge sit on this venue
 * at this moment, with `leadMs` to spare before the next window?".
 *
 * ccxt's unified answer is not enough: `status` is `ok` while a window is only scheduled, and
 * `eta` means different things per exchange (Bybit: the scheduled window's begin; OKX: the last
 * event's end). So the windows are read from `info`, in each exchange's own fields:
 *
 * | ccxt id | where | fields |
 * |---|---|---|
 * | okx | `info.data[]` | `begin`, `end` (ms strings), `state` scheduled / ongoing / pre_open |
 * | bybit | `info.result.list[]` | `begin`, `end` (ms strings), `state` scheduled / ongoing |
 * | kraken | `info.result.upcoming_maintenance[]` | `scheduled_for` / `scheduled_until` (ISO; the mock adds `_ms`) |
 * | binance, binanceusdm | — | `sapi/v1/system/status` is binary: `{"status":0|1}`, no schedule |
 *
 * Pure: no clock, no I/O.
 */

export interface AnnouncedWindow {
  startMs: number;
  endMs: number;
  /** As the venue put it: `scheduled` (ahead), `ongoing`, `pre_open` (OKX)… */
  state: string;
}

/** ccxt exchange ids whose status endpoint announces windows ahead; the others only say "now". */
const ANNOUNCING: ReadonlySet<string> = new Set(['okx', 'bybit', 'kraken']);

/** Does this venue's status endpoint announce maintenance ahead (worth polling while healthy)? */
export function announcesAhead(exchangeId: string): boolean {
  return ANNOUNCING.has(exchangeId);
}

/** OKX and Bybit states that still matter; `completed` and `canceled` do not. */
const LIVE_STATES: ReadonlySet<string> = new Set(['scheduled', 'ongoing', 'pre_open', 'in_progress']);

/** The windows a ccxt `fetchStatus` result announces, in the exchange's own fields (see the table above). */
export function announcedWindowsOf(exchangeId: string, status: { info?: unknown } | undefined): AnnouncedWindow[] {
  const info = (status?.info ?? {}) as Record<string, any>;
  let raw: unknown[] = [];
  if (exchangeId === 'okx') raw = asArray(info['data']);
  else if (exchangeId === 'bybit') raw = asArray(info['result']?.['list']);
  else if (exchangeId === 'kraken') raw = asArray(info['result']?.['upcoming_maintenance']);
  const windows: AnnouncedWindow[] = [];
  for (const entry of raw) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const startMs = msOf(e['begin'] ?? e['scheduled_for_ms'] ?? e['scheduled_for']);
    const endMs = msOf(e['end'] ?? e['scheduled_until_ms'] ?? e['scheduled_until']);
    const state = String(e['state'] ?? e['status'] ?? 'scheduled');
    if (startMs === undefined || endMs === undefined || endMs <= startMs) continue;
    if (!LIVE_STATES.has(state)) continue;
    windows.push({ startMs, endMs, state });
  }
  return windows.sort((a, b) => a.startMs - b.startMs);
}

function asArray(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/** Epoch ms from a number, a digit string (ms) or an ISO date. */
function msOf(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x !== 'string' || x === '') return undefined;
  if (/^\d+$/.test(x)) return Number(x);
  const parsed = Date.parse(x);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * What the engine knows of every venue's *planned* windows: those it saw announced before they
 * started. A window first seen already ongoing is not planned: the venue's answers to requests
 * say what it allows (a cancel-only or reduce-only phase still takes some orders), and health.ts
 * reacts to them as before. The latest status answer replaces a venue's windows.
 */
export class MaintenanceCalendar {
  private readonly windows = new Map<string, AnnouncedWindow[]>();

  /** Replaces a venue's windows with what its status endpoint said now (windows already over, or never announced ahead, are dropped). */
  update(venueId: string, windows: readonly AnnouncedWindow[], nowMs: number): { added: AnnouncedWindow[] } {
    const before = this.windows.get(venueId) ?? [];
    const known = (w: AnnouncedWindow): boolean => before.some((b) => b.startMs === w.startMs && b.endMs === w.endMs);
    const live = windows.filter((w) => w.endMs > nowMs && (nowMs < w.startMs || known(w)));
    this.windows.set(venueId, live);
    return { added: live.filter((w) => !known(w)) };
  }

  /** The first window not yet over at `nowMs`. */
  next(venueId: string, nowMs: number): AnnouncedWindow | undefined {
    return (this.windows.get(venueId) ?? []).find((w) => w.endMs > nowMs);
  }

  /**
   * The window that keeps hedges off this venue at `nowMs`: one that has started, or starts
   * within `leadMs` (time to move the hedge off before it begins).
   */
  blockingAt(venueId: string, nowMs: number, leadMs: number): AnnouncedWindow | undefined {
    return (this.windows.get(venueId) ?? []).find((w) => w.startMs - leadMs <= nowMs && nowMs < w.endMs);
  }
}
