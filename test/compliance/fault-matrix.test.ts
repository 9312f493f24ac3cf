import { describe, expect, test } from 'vitest';
import type { FaultCase, FaultExpectation, NotApplicable } from '../../mocks/binance/fault-expectations.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';
import { DEFAULT_FAULT_PARAMS, DIALECT_REGISTRY, FAULT_CASES, createDialectHarness, unifiedCall, type DialectHarness } from '../helpers/dialects.ts';
import { classChain } from './harness.ts';

/**
 * The fault compliance matrix (issue 3): every registered dialect × every fault kind and mode.
 * For each row of the dialect's expectation table (mocks/<dialect>/fault-expectations.ts), through
 * the real transport, fault layer, MSW dialect and unmodified ccxt client:
 *
 * - before the window the same call works and the trace shows no fault;
 * - inside the window the call raises exactly the listed ccxt class (or, for latency and status
 *   announcements, succeeds — later, or with the announced status), and the trace records the
 *   fault (`fault.fired` with the fault's id and the expected action; `fault.ackLost` too);
 * - after the window (after the ban, for an IP ban) the call works again with no fault event.
 *
 * A new dialect needs no code here: see test/helpers/dialects.ts.
 */

const WINDOW_START_MS = VIRTUAL_EPOCH_MS + 1_000;
const WINDOW_MS = 60_000;
const FAULT_EVENTS = new Set(['fault.fired', 'fault.ackLost']);

interface Observation {
  result: unknown;
  error: unknown;
  elapsedMs: number;
  /** Virtual time the call was made. */
  atMs: number;
  events: TraceEvent[];
  /** Fills the venue booked during the call (ground truth). */
  newTrades: number;
}

async function observe(h: DialectHarness, symbol: string, fn: () => Promise<unknown>): Promise<Observation> {
  const n0 = h.trace.events.length;
  const t0 = Date.now();
  const trades0 = h.engine.trades(symbol).length;
  let result: unknown;
  let error: unknown;
  try {
    result = await h.call(fn);
  } catch (e) {
    error = e;
  }
  return { result, error, atMs: t0, elapsedMs: Date.now() - t0, events: h.trace.events.slice(n0), newTrades: h.engine.trades(symbol).length - trades0 };
}

const faultEvents = (o: Observation): TraceEvent[] => o.events.filter((e) => FAULT_EVENTS.has(e.type));
const lastStatus = (o: Observation): unknown => o.events.filter((e) => e.type === 'response').at(-1)?.['status'];
const timestampOf = (result: unknown): unknown => (result as { timestamp?: unknown } | undefined)?.timestamp;
const describeError = (e: unknown): string => (e instanceof Error ? `${classChain(e)[0]}: ${e.message}` : String(e));

function expectOk(o: Observation, when: string): void {
  expect(o.error, `${when}: the call must not raise (got ${describeError(o.error)})`).toBeUndefined();
  expect(faultEvents(o), `${when}: no fault event`).toEqual([]);
}

describe.each(DIALECT_REGISTRY)('fault matrix: $name (ccxt $ccxtId)', (entry) => {
  const profile = entry.profile;
  if (profile === undefined) {
    test('has a fault expectation table', () => {
      expect.fail(`dialect ${entry.name} has no profile: add mocks/${entry.name}/fault-expectations.ts and its line to PROFILES in test/helpers/dialects.ts`);
    });
    return;
  }
  const table = profile.faultExpectations;

  test('the table names every fault case the matrix knows', () => {
    expect(Object.keys(table).sort()).toEqual(Object.keys(FAULT_CASES).sort());
  });

  const entries = Object.entries(table) as Array<[FaultCase, FaultExpectation | NotApplicable]>;
  const skipped = entries.filter((row): row is [FaultCase, NotApplicable] => 'notApplicable' in row[1]);
  const rows = entries
    .filter((row): row is [FaultCase, FaultExpectation] => !('notApplicable' in row[1]))
    .map(([kase, exp]) => ({ kase, exp, name: `${kase} → ${exp.call} → ${'raises' in exp ? exp.raises : 'succeeds'}` }));

  for (const [kase, na] of skipped) test.skip(`${kase}: not applicable (${na.notApplicable})`, () => undefined);

  test.each(rows)('$name', async ({ kase, exp }) => {
    const def = FAULT_CASES[kase];
    const params = { ...DEFAULT_FAULT_PARAMS, ...exp.params };
    const venue = 'primary';
    const fault = def.build({ venue, startMs: WINDOW_START_MS, durationMs: WINDOW_MS, id: `matrix-${kase}` }, params);
    const h = await createDialectHarness(entry, { venue, faults: [fault], ...(def.pin !== undefined ? { pinRandom: def.pin.random } : {}) });
    const run = (): Promise<unknown> => unifiedCall(h.exchange, exp.call, profile);

    // Before the window: the same call works and nothing fires.
    expect(Date.now()).toBeLessThan(fault.startMs);
    const before = await observe(h, profile.symbol, run);
    expectOk(before, 'before the window');
    expect(Date.now(), 'the call before the window must end before it').toBeLessThan(fault.startMs);

    // Inside the window.
    await h.advanceTo(fault.startMs + (def.insideOffsetMs ?? 0));
    const attempts = def.attempts?.(fault) ?? 1;
    for (let i = 1; i < attempts; i++) {
      const o = await observe(h, profile.symbol, run);
      expect(o.error, `attempt ${i} of ${attempts} inside the window must fail`).toBeDefined();
    }
    const inside = await observe(h, profile.symbol, run);
    expect(Date.now(), 'the call inside the window must end inside it').toBeLessThan(fault.endMs);
    if ('raises' in exp) {
      expect(inside.error, `${kase}: expected ccxt ${exp.raises}, but the call succeeded`).toBeDefined();
      expect(classChain(inside.error)[0], describeError(inside.error)).toBe(exp.raises);
      if (exp.message !== undefined) expect((inside.error as Error).message).toMatch(exp.message);
      if (def.pin !== undefined) expect(exp.httpStatus, 'the status the fault layer asks for in this case').toBe(def.pin.status);
      expect(lastStatus(inside), 'HTTP status of the venue answer (none for transport failures)').toBe(exp.httpStatus);
      if (exp.call === 'createOrder') {
        expect(inside.newTrades, def.venueActs ? 'the venue executed the order although the answer was lost' : 'the venue never acted').toBe(def.venueActs ? 1 : 0);
      }
    } else {
      expect(inside.error, `${kase}: expected success, got ${describeError(inside.error)}`).toBeUndefined();
      if (exp.result !== undefined) {
        expect(inside.result).toMatchObject(exp.result);
        expect(before.result).not.toMatchObject(exp.result);
      }
      if (def.slower) expect(inside.elapsedMs, 'virtual ms inside vs before the window').toBeGreaterThan(before.elapsedMs);
      if (def.stale) {
        expect(timestampOf(before.result), 'fresh data before the window').toBe(before.atMs);
        expect(timestampOf(inside.result), 'data as of the window start').toBe(fault.startMs);
        expect(inside.atMs).toBeGreaterThan(fault.startMs);
      }
    }
    if (def.action !== undefined) {
      expect(inside.events).toContainEqual(expect.objectContaining({ type: 'fault.fired', venue, faultId: fault.id, action: def.action }));
    } else {
      expect(faultEvents(inside), 'this case answers without a fault event').toEqual([]);
    }
    if (def.ackLost !== undefined) expect(inside.events).toContainEqual(expect.objectContaining({ type: 'fault.ackLost', venue, mode: def.ackLost }));

    // After the window (and after the ban it earned, if any): works again, nothing fires.
    await h.advanceTo(fault.endMs);
    if (def.outlivesWindow && 'raises' in exp) {
      const state = h.faults.rateLimitState(venue);
      expect(state.bannedUntilMs, 'the ban outlives the 429 window').toBeGreaterThan(Date.now());
      const banned = await observe(h, profile.symbol, run);
      expect(classChain(banned.error)[0], describeError(banned.error)).toBe(exp.raises);
      // Once the window is over the ban is the client's own (earned inside it), traced as the venue's limit at work.
      expect(banned.events).toContainEqual(expect.objectContaining({ type: 'limit.enforced', venue, action: def.action }));
      await h.advanceTo(state.bannedUntilMs);
    }
    const after = await observe(h, profile.symbol, run);
    expectOk(after, 'after the window');
    if ('succeeds' in exp && exp.result !== undefined) expect(after.result).not.toMatchObject(exp.result);
    if (def.slower) expect(after.elapsedMs).toBe(before.elapsedMs);
    if (def.stale) expect(timestampOf(after.result), 'fresh data after the window').toBe(after.atMs);
  });
});
