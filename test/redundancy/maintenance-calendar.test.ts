import { describe, expect, test } from 'vitest';
import { maintenance } from '../../src/faults/index.ts';
import { MaintenanceCalendar, announcedWindowsOf, announcesAhead } from '../../src/redundancy/maintenance-calendar.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';
import { DIALECT_REGISTRY, createDialectHarness } from '../helpers/dialects.ts';

/** Windows read from what the real mocks answer to ccxt's `fetchStatus`, dialect by dialect. */

const START = VIRTUAL_EPOCH_MS + 3_600_000;
const END = START + 600_000;

describe('maintenance calendar', () => {
  test.each(DIALECT_REGISTRY.map((e) => [e.name, e] as const))('%s: a window announced 30 min ahead is read off fetchStatus with its start and end, or the dialect is known not to announce', async (_name, entry) => {
    const fault = maintenance({ venue: 'primary', startMs: START, durationMs: END - START, announcedAheadSec: 1800 });
    const h = await createDialectHarness(entry, { faults: [fault] });
    await h.advanceTo(START - 1_500_000);
    const status = await h.call(() => h.exchange.fetchStatus());
    expect(status.status, 'a scheduled window is not maintenance yet').toBe('ok');
    const windows = announcedWindowsOf(h.exchange.id, status);
    if (announcesAhead(h.exchange.id)) {
      expect(windows).toEqual([{ startMs: START, endMs: END, state: 'scheduled' }]);
    } else {
      expect(windows).toEqual([]);
    }
    await h.advanceTo(START + 60_000);
    const inside = announcedWindowsOf(h.exchange.id, await h.call(() => h.exchange.fetchStatus()));
    // Kraken drops a window from upcoming_maintenance once it starts (its status says maintenance).
    if (h.exchange.id === 'okx' || h.exchange.id === 'bybit') expect(inside).toEqual([{ startMs: START, endMs: END, state: 'ongoing' }]);
  });

  test('only okx, bybit and kraken announce ahead; both Binance dialects have a binary status', () => {
    expect(DIALECT_REGISTRY.map((e) => [e.ccxtId, announcesAhead(e.ccxtId)])).toEqual(
      expect.arrayContaining([
        ['binanceusdm', false],
        ['binance', false],
        ['okx', true],
        ['bybit', true],
        ['kraken', true],
      ]),
    );
  });

  test('a window blocks hedges from leadMs before its start until its end; the latest answer replaces the venue\'s windows', () => {
    const calendar = new MaintenanceCalendar();
    const { added } = calendar.update('okx', [{ startMs: 1_000_000, endMs: 1_600_000, state: 'scheduled' }], 0);
    expect(added).toHaveLength(1);
    expect(calendar.update('okx', [{ startMs: 1_000_000, endMs: 1_600_000, state: 'scheduled' }], 10).added).toEqual([]);
    expect(calendar.blockingAt('okx', 879_999, 120_000)).toBeUndefined();
    expect(calendar.blockingAt('okx', 880_000, 120_000)?.startMs).toBe(1_000_000);
    expect(calendar.blockingAt('okx', 1_599_999, 120_000)).toBeDefined();
    expect(calendar.blockingAt('okx', 1_600_000, 120_000)).toBeUndefined();
    expect(calendar.blockingAt('bybit', 1_000_000, 120_000)).toBeUndefined();
    calendar.update('okx', [], 20);
    expect(calendar.next('okx', 20)).toBeUndefined();
  });

  test('a window first seen already ongoing was not planned: the calendar leaves it to the venue\'s answers', () => {
    const calendar = new MaintenanceCalendar();
    expect(calendar.update('bybit', [{ startMs: 100, endMs: 900, state: 'ongoing' }], 200).added).toEqual([]);
    expect(calendar.blockingAt('bybit', 200, 0)).toBeUndefined();
    // Seen scheduled first, it stays known once it starts.
    calendar.update('okx', [{ startMs: 100, endMs: 900, state: 'scheduled' }], 50);
    calendar.update('okx', [{ startMs: 100, endMs: 900, state: 'ongoing' }], 200);
    expect(calendar.blockingAt('okx', 200, 0)?.state).toBe('ongoing');
  });

  test('completed and canceled OKX events, and entries without times, are not windows', () => {
    const info = {
      data: [
        { begin: '100', end: '200', state: 'completed' },
        { begin: '300', end: '400', state: 'canceled' },
        { begin: '', end: '', state: 'scheduled' },
        { begin: '500', end: '600', state: 'pre_open' },
      ],
    };
    expect(announcedWindowsOf('okx', { info })).toEqual([{ startMs: 500, endMs: 600, state: 'pre_open' }]);
  });
});
