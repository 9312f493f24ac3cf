import { yieldRealTurn, type InstalledClock } from './virtual-clock.ts';

/**
 * The driver loop: virtual time moves only when the process is otherwise idle.
 *
 * "Idle" means: no request is being processed by a mock (`busy()` is false) and two consecutive
 * real event-loop turns changed nothing observable (no new trace event, no new timer). Then the
 * driver jumps the clock to the next timer and fires it. Real turns are taken with the real
 * `setImmediate` (DESIGN fact 3: fetch and MSW settle through real macrotasks).
 *
 * Every loop has a budget: `eventsMax` timers fired, `spinMax` real turns while waiting for a
 * quiet moment. Running out is the outcome `interrupted`, never a hang.
 */

export interface DriveOptions {
  clock: InstalledClock;
  /** Absolute virtual ms at which the run ends. */
  untilMs: number;
  /** True while real async work is under way (requests inside a mock). */
  busy: () => boolean;
  /** A number that changes whenever something observable happens (e.g. the trace length). */
  activity: () => number;
  /** Budget of timers fired. */
  eventsMax: number;
  /** Budget of real turns spent waiting for one quiet moment. */
  spinMax?: number;
  /** Stop early (e.g. the policy crashed). Checked at every step. */
  stop?: () => string | undefined;
}

export type DriveResult =
  | { kind: 'completed'; timersFired: number }
  | { kind: 'stopped'; reason: string; timersFired: number }
  | { kind: 'interrupted'; reason: string; timersFired: number };

export async function drive(opts: DriveOptions): Promise<DriveResult> {
  const { clock } = opts;
  const spinMax = opts.spinMax ?? 10_000;
  let ended = false;
  const endTimer = setTimeout(() => {
    ended = true;
  }, Math.max(0, opts.untilMs - clock.now));
  let timersFired = 0;
  try {
    for (;;) {
      const quiet = await settle(opts, spinMax);
      if (!quiet) {
        return {
          kind: 'interrupted',
          reason: `the process did not go quiet within ${spinMax} real event-loop turns at virtual +${clock.now} ms (a request or the policy kept real work going)`,
          timersFired,
        };
      }
      const stopReason = opts.stop?.();
      if (stopReason !== undefined) return { kind: 'stopped', reason: stopReason, timersFired };
      if (ended) return { kind: 'completed', timersFired };
      if (timersFired >= opts.eventsMax) {
        return { kind: 'interrupted', reason: `eventsMax (${opts.eventsMax}) timers fired before the run's end`, timersFired };
      }
      clock.next();
      timersFired += 1;
    }
  } finally {
    clearTimeout(endTimer);
  }
}

/** Yields real turns until nothing is in flight and two turns in a row changed nothing. */
export async function settle(opts: Pick<DriveOptions, 'busy' | 'activity' | 'clock'>, spinMax: number): Promise<boolean> {
  let quietTurns = 0;
  let last = snapshot(opts);
  for (let spins = 0; spins < spinMax; spins++) {
    await yieldRealTurn();
    const now = snapshot(opts);
    if (!opts.busy() && now === last) {
      quietTurns += 1;
      if (quietTurns >= 2) return true;
    } else {
      quietTurns = 0;
    }
    last = now;
  }
  return false;
}

function snapshot(opts: Pick<DriveOptions, 'activity' | 'clock'>): string {
  return `${opts.activity()}:${opts.clock.countTimers()}`;
}

/**
 * Drives virtual time until `promise` settles (for tests and one-off calls outside a run):
 * the same idle rule as `drive`, bounded by `timersMax`.
 */
export async function driveUntilSettled<T>(
  promise: Promise<T>,
  opts: Pick<DriveOptions, 'clock' | 'busy' | 'activity'> & { timersMax?: number; spinMax?: number },
): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  const timersMax = opts.timersMax ?? 100_000;
  for (let fired = 0; ; fired++) {
    const quiet = await settle(opts, opts.spinMax ?? 10_000);
    if (settled) return tracked;
    if (!quiet) throw new Error('venuechaos: the process did not go quiet while driving a call');
    if (fired >= timersMax || opts.clock.countTimers() === 0) {
      throw new Error(`venuechaos: call still pending after ${fired} virtual timers (no timer left: ${opts.clock.countTimers() === 0})`);
    }
    opts.clock.next();
  }
}
