import { describe, expect, test } from 'vitest';
import { maintenance } from '../../src/faults/index.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';
import { DIALECT_REGISTRY, createDialectHarness } from '../helpers/dialects.ts';

/**
 * `announcedAheadSec`: a maintenance window appears on the venue's status channel from that long
 * before it starts (scheduled), then as ongoing, then disappears — seen through the real ccxt
 * `fetchStatus`. Dialects whose status endpoint is binary cannot announce ahead; they are listed
 * here with the reason, and every other dialect must announce.
 */

const BINARY_STATUS: Record<string, string> = {
  binanceusdm: 'sapi/v1/system/status answers only {"status":0|1}; no schedule (reference §2.3)',
  binance: 'the same binary sapi/v1/system/status as USDⓈ-M (reference §2.3)',
};

const START = VIRTUAL_EPOCH_MS + 3_600_000;
const AHEAD_SEC = 1800;
const DURATION_MS = 600_000;

const announcing = DIALECT_REGISTRY.filter((e) => BINARY_STATUS[e.name] === undefined && e.profile !== undefined);

describe('maintenance announced ahead on the status channel', () => {
  test('every dialect either announces or says why it cannot', () => {
    for (const e of DIALECT_REGISTRY) expect(announcing.includes(e) || BINARY_STATUS[e.name] !== undefined, e.name).toBe(true);
  });

  test.each(announcing.map((e) => [e.name, e] as const))('%s: unlisted before announcedAheadSec, scheduled after it, ongoing inside, gone after', async (_name, entry) => {
    const fault = maintenance({ venue: 'primary', startMs: START, durationMs: DURATION_MS, announcedAheadSec: AHEAD_SEC });
    const h = await createDialectHarness(entry, { faults: [fault] });
    const status = async () => {
      const s = await h.call(() => h.exchange.fetchStatus());
      return { status: s.status as string, info: JSON.stringify(s.info) };
    };
    const startMark = String(START);

    await h.advanceTo(START - AHEAD_SEC * 1000 - 60_000);
    const before = await status();
    expect(before.status).toBe('ok');
    expect(before.info).not.toContain(startMark);

    await h.advanceTo(START - AHEAD_SEC * 1000 + 60_000);
    const scheduled = await status();
    expect(scheduled.status, 'a scheduled window is not maintenance yet').toBe('ok');
    expect(scheduled.info, 'the window is announced with its planned start').toContain(startMark);
    expect(scheduled.info).toMatch(/scheduled/i);

    await h.advanceTo(START + 60_000);
    expect((await status()).status).toBe('maintenance');

    await h.advanceTo(START + DURATION_MS + 60_000);
    const after = await status();
    expect(after.status).toBe('ok');
    expect(after.info).not.toContain(startMark);
  });
});
