import FakeTimers from '@sinonjs/fake-timers';

/** The installed fake clock (its type as @sinonjs/fake-timers declares it). */
export type InstalledClock = ReturnType<typeof FakeTimers.install>;

/**
 * The process-wide virtual clock.
 *
 * ccxt keeps `const now = Date.now` and the original `setTimeout` from the moment it is first
 * imported (DESIGN fact 2), so the fake clock must be installed before that import and never
 * uninstalled: it is installed once per process and `reset` between runs.
 *
 * Only wall-clock APIs are faked (Date, timers, performance.now is left real for benchmarks).
 * `setImmediate`, `process.nextTick` and `queueMicrotask` stay real: fetch/Response machinery and
 * MSW settle through them (DESIGN fact 3), and the driver yields on the real `setImmediate`.
 */

/** The scenario clock starts here unless the scenario says otherwise: 2026-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

/** Saved before the clock is installed; the driver yields with it. */
export const realSetImmediate: typeof setImmediate = globalThis.setImmediate;
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout;
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout;
export const realDateNow: () => number = Date.now;

let installed: InstalledClock | undefined;

/** Installs the virtual clock (idempotent) and returns it. Call before importing ccxt. */
export function installVirtualClock(): InstalledClock {
  if (installed === undefined) {
    installed = FakeTimers.install({
      now: VIRTUAL_EPOCH_MS,
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
      // A loop limit: a runaway timer chain inside one `runAll` is a testbed bug, not a hang.
      loopLimit: 1_000_000,
    });
  }
  return installed;
}

/** The installed clock; throws if `installVirtualClock` has not run (a wiring bug, not a user error). */
export function virtualClock(): InstalledClock {
  if (installed === undefined) {
    throw new Error('venuechaos: the virtual clock is not installed. Import "venuechaos/sim/install" (src/sim/install-clock.ts) before ccxt.');
  }
  return installed;
}

/** Clears every pending virtual timer and sets the clock to `startMs`. Between runs. */
export function resetVirtualClock(startMs: number = VIRTUAL_EPOCH_MS): void {
  const clock = virtualClock();
  clock.reset();
  clock.setSystemTime(startMs);
}

/** Resolves on the next real event-loop turn (check phase), after pending microtasks and nextTicks. */
export function yieldRealTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}
