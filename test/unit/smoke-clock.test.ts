import { describe, expect, test } from 'vitest';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';

describe('virtual clock', () => {
  test('is installed before tests run, so Date.now is virtual', async () => {
    expect(Date.now()).toBe(VIRTUAL_EPOCH_MS);
    let fired = false;
    setTimeout(() => { fired = true; }, 1000);
    const { virtualClock } = await import('../../src/sim/virtual-clock.ts');
    virtualClock().tick(1000);
    expect(fired).toBe(true);
  });
});
