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
 * quiet moment. Running out is the outcome `interrupted`, never a hang — except when the spin is
 * not the testbed's: if, for most of the spin budget, nothing was in flight and yet something
 * kept changing (trace events, virtual timers), the work came from outside the testbed (the
 * policy) and the result is `runaway`, with a look at who did it (`probe`).
 *
 * What the driver cannot see: code that never gives the event loop back (a synchronous loop, or a
 * microtask loop such as `while (true) await Promise.resolve()`) blocks the thread, so no turn
 * ever comes; only a watchdog outside the thread catches it (src/cli/run-in-worker.ts).
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
  /**
   * A virtual timer's callback threw. Without it the error propagates out of `drive` (every
   * timer is the testbed's own: a throw is a testbed bug); a run passes its policy-failure path.
   */
  onTimerError?: (error: unknown) => void;
  /**
   * Armed when the spin budget ran out with nothing in flight: start watching who keeps the
   * process busy. The driver then takes up to `PROBE_TURNS_MAX` more real turns, asking `seen()`
   * after each, and always calls `done()`.
   */
  probe?: () => { seen(): string | undefined; done(): void };
}

export type DriveResult =
  | { kind: 'completed'; timersFired: number }
  | { kind: 'stopped'; reason: string; timersFired: number }
  | { kind: 'interrupted'; reason: string; timersFired: number }
  /** Real work outside the testbed (nothing in flight) kept the process from going quiet. `seen`: what the probe caught. */
  | { kind: 'runaway'; reason: string; timersFired: number; seen?: string };

/** Real turns the driver spends watching a runaway with `probe` before it gives up. */
export const PROBE_TURNS_MAX = 50;

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
      const settled = await settleWithStats(opts, spinMax);
      if (!settled.quiet) {
        if (settled.idleChurnTurns * 2 >= spinMax) {
          const seen = await watch(opts.probe);
          return {
            kind: 'runaway',
            reason: `the process kept working for ${spinMax} real event-loop turns with no request in flight, so virtual time could not advance (real work outside the testbed)`,
            timersFired,
            ...(seen !== undefined ? { seen } : {}),
          };
        }
        return {
          kind: 'interrupted',
          reason: `the process did not go quiet within ${spinMax} real event-loop turns at virtual +${clock.now} ms (requests in flight during ${settled.busyTurns} of them)`,
          timersFired,
        };
      }
      const stopReason = opts.stop?.();
      if (stopReason !== undefined) return { kind: 'stopped', reason: stopReason, timersFired };
      if (ended) return { kind: 'completed', timersFired };
      if (timersFired >= opts.eventsMax) {
        return { kind: 'interrupted', reason: `eventsMax (${opts.eventsMax}) timers fired before the run's end`, timersFired };
      }
      try {
        clock.next();
      } catch (error) {
        if (opts.onTimerError === undefined) throw error;
        opts.onTimerError(error);
      }
      timersFired += 1;
    }
  } finally {
    clearTimeout(endTimer);
  }
}

/** Runs the probe for at most `PROBE_TURNS_MAX` real turns; what it saw, if anything. */
async function watch(probe: DriveOptions['probe']): Promise<string | undefined> {
  if (probe === undefined) return undefined;
  const watcher = probe();
  try {
    for (let turn = 0; turn < PROBE_TURNS_MAX; turn++) {
      await yieldRealTurn();
      const seen = watcher.seen();
      if (seen !== undefined) return seen;
    }
    return undefined;
  } finally {
    watcher.done();
  }
}

/** Yields real turns until nothing is in flight and two turns in a row changed nothing. */
export async function settle(opts: Pick<DriveOptions, 'busy' | 'activity' | 'clock'>, spinMax: number): Promise<boolean> {
  return (await settleWithStats(opts, spinMax)).quiet;
}

interface SettleStats {
  quiet: boolean;
  /** Turns that ended with a request in flight. */
  busyTurns: number;
  /** Turns with nothing in flight that still changed something (work the testbed did not start). */
  idleChurnTurns: number;
}

async function settleWithStats(opts: Pick<DriveOptions, 'busy' | 'activity' | 'clock'>, spinMax: number): Promise<SettleStats> {
  let quietTurns = 0;
  let busyTurns = 0;
  let idleChurnTurns = 0;
  let last = snapshot(opts);
  for (let spins = 0; spins < spinMax; spins++) {
    await yieldRealTurn();
    const now = snapshot(opts);
    const busy = opts.busy();
    if (busy) busyTurns += 1;
    else if (now !== last) idleChurnTurns += 1;
    if (!busy && now === last) {
      quietTurns += 1;
      if (quietTurns >= 2) return { quiet: true, busyTurns, idleChurnTurns };
    } else {
      quietTurns = 0;
    }
    last = now;
  }
  return { quiet: false, busyTurns, idleChurnTurns };
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
