import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import type { Policy, PolicyContext } from '../../src/redundancy/policy.ts';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';

/**
 * A user policy that throws, rejects, spins or does real I/O ends its run as a policy failure
 * (`policyHealthy` failed, outcome `violated`, a reason with the stack and the virtual time) —
 * never a crashed test process, never a hang. Policies that block the thread for good (a
 * synchronous loop, a microtask loop) cannot be caught in-process: test/cli/policy-watchdog.test.ts
 * covers them through the CLI's worker watchdog.
 */

function scenario(durationSec = 90): Scenario {
  const parsed = parseScenario(
    `name: policy-failures
seed: 3
durationSec: ${durationSec}
market: { symbol: BTC/USDT:USDT, priceStart: 60000 }
venues:
  - { id: primary, dialect: binanceusdm }
inventory:
  - { atSec: 0, base: 1 }
  - { atSec: 30, base: 0.5 }
limits: { netBaseMax: 5, hedgeWithinSec: 30 }
`,
    'policy-failures.yaml',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.scenario;
}

/** A policy that polls a ticker every 5 s (virtual) until the run ends, plus whatever `extra` does. */
function policy(name: string, extra: Partial<Policy> & { onTick?: (ctx: PolicyContext, n: number) => unknown } = {}): Policy {
  return {
    name,
    async start(ctx) {
      void (async () => {
        for (let n = 0; !ctx.signal.aborted; n++) {
          await ctx.venues[0]!.exchange.fetchTicker(ctx.symbol);
          await extra.onTick?.(ctx, n);
          await ctx.clock.sleep(5_000);
        }
      })().catch((error: unknown) => {
        if (!ctx.signal.aborted) ctx.reportError(error);
      });
    },
    ...(extra.onInventoryChange !== undefined ? { onInventoryChange: extra.onInventoryChange } : {}),
    ...(extra.stop !== undefined ? { stop: extra.stop } : {}),
  };
}

function expectPolicyFailure(result: RunResult, pattern: RegExp): void {
  expect(result.outcome).toBe('violated');
  const healthy = result.invariants.find((i) => i.name === 'policyHealthy');
  expect(healthy?.passed).toBe(false);
  expect(result.reason).toMatch(pattern);
  expect(healthy?.firstViolation?.message).toBe(result.reason);
}

describe('a policy that throws', () => {
  test('a start() that throws ends the run as a policy failure with the stack and the virtual time', async () => {
    const result = await runScenario(scenario(), {
      policy: {
        name: 'throws-in-start',
        start() {
          throw new Error('no config for primary');
        },
      },
    });
    expectPolicyFailure(result, /^policy "throws-in-start" start\(\) failed at virtual \+0\.000 s: Error: no config for primary\n\s+at (Object\.)?start \(.*failures\.test\.ts:\d+:\d+\)/);
  });

  test('a background loop that rejects, reported through ctx.reportError, names the moment it broke', async () => {
    const result = await runScenario(scenario(), {
      policy: policy('rejects-in-loop', {
        onTick: (_ctx, n) => {
          if (n === 3) throw new Error('hedge sizing went negative');
        },
      }),
    });
    expectPolicyFailure(result, /^policy "rejects-in-loop" reported an error at virtual \+15\.\d{3} s: Error: hedge sizing went negative\n\s+at (Object\.)?onTick \(.*failures\.test\.ts/);
  });

  test('onInventoryChange that throws, at the start and from a scenario timer, is a policy failure, not a crash', async () => {
    for (const throwAt of [1, 1.5]) {
      const result = await runScenario(scenario(), {
        policy: policy('throws-on-inventory', {
          onInventoryChange: (change) => {
            if (change.inventoryBase === throwAt) throw new RangeError(`cannot hedge ${change.deltaBase}`);
          },
        }),
      });
      expectPolicyFailure(result, new RegExp(`^policy "throws-on-inventory" onInventoryChange threw at virtual \\+${throwAt === 1 ? '0' : '30'}\\.000 s: RangeError: cannot hedge`));
    }
  });

  test("a throw inside the policy's own virtual timer callback is a policy failure", async () => {
    const result = await runScenario(scenario(), {
      policy: {
        name: 'throws-in-timer',
        start() {
          setTimeout(() => {
            throw new Error('timer went wrong');
          }, 12_000);
        },
      },
    });
    expectPolicyFailure(result, /^policy "throws-in-timer" threw from a timer callback at virtual \+12\.000 s: Error: timer went wrong/);
  });

  test('a promise the policy forgot to await that rejects is a policy failure (unhandled rejection), and the process listeners come back afterwards', async () => {
    const before = process.listeners('unhandledRejection');
    const result = await runScenario(scenario(), {
      policy: policy('forgot-await', {
        onTick: (ctx, n) => {
          if (n === 2) void ctx.venues[0]!.exchange.fetchOrder('no-such-order', ctx.symbol); // rejects: BadRequest (not a numeric id)
        },
      }),
    });
    expectPolicyFailure(result, /^policy "forgot-await" left a promise rejection unhandled \(a missing await or \.catch\?\) at virtual \+10\.\d{3} s: BadRequest: binanceusdm/);
    expect(process.listeners('unhandledRejection')).toEqual(before);
  });

  test('a throw from a real callback (setImmediate) is a policy failure (uncaught exception)', async () => {
    const result = await runScenario(scenario(), {
      policy: policy('throws-in-immediate', {
        onTick: (_ctx, n) => {
          if (n === 1) {
            setImmediate(() => {
              throw new TypeError('x is undefined');
            });
          }
        },
      }),
    });
    expectPolicyFailure(result, /^policy "throws-in-immediate" threw from a callback nobody catches \(uncaughtException\) at virtual \+5\.\d{3} s: TypeError: x is undefined/);
  });

  test('a stop() that throws is a policy failure', async () => {
    const result = await runScenario(scenario(), {
      policy: policy('throws-in-stop', {
        stop: () => {
          throw new Error('could not flatten');
        },
      }),
    });
    expectPolicyFailure(result, /^policy "throws-in-stop" stop\(\) failed at virtual \+90\.000 s: Error: could not flatten/);
  });
});

describe('a policy that keeps the process busy without yielding virtual time', () => {
  test('a loop over setImmediate that logs decisions is a policy failure with the line that kept going, not an interrupted run', async () => {
    const result = await runScenario(scenario(), {
      policy: policy('spins-on-immediate', {
        onTick: async (ctx, n) => {
          if (n !== 2) return;
          // Ends with the run, so the next test starts clean (a leftover loop would spin on).
          while (!ctx.signal.aborted) {
            ctx.log('still thinking');
            await new Promise((resolve) => setImmediate(resolve));
          }
        },
      }),
    });
    expectPolicyFailure(result, /^policy "spins-on-immediate" never let virtual time advance at virtual \+10\.\d{3} s: the process kept working for 10000 real event-loop turns with no request in flight/);
    expect(result.reason).toMatch(/last seen at:\n\s+at .*failures\.test\.ts:\d+:\d+/);
  });

  test('a loop that sets and clears virtual timers on real turns is caught the same way', async () => {
    const result = await runScenario(scenario(), {
      policy: policy('timer-churn', {
        onTick: async (ctx, n) => {
          if (n !== 1) return;
          while (!ctx.signal.aborted) {
            const t = setTimeout(() => undefined, 1_000);
            await new Promise((resolve) => setImmediate(resolve));
            clearTimeout(t);
            await new Promise((resolve) => setImmediate(resolve));
          }
        },
      }),
    });
    expectPolicyFailure(result, /never let virtual time advance at virtual \+5\.\d{3} s[\s\S]*last seen at:\n\s+at .*failures\.test\.ts/);
  });
});

describe('a policy that does real I/O inside a run', () => {
  test('reading a file is a policy failure naming the call and the place', async () => {
    let reading: Promise<string> | undefined;
    const result = await runScenario(scenario(), {
      policy: policy('reads-a-file', {
        onTick: async (_ctx, n) => {
          if (n === 2) await (reading = readFile('package.json', 'utf8'));
        },
      }),
    });
    // The read outlives the run (its completion is real I/O); let it end before the next test runs.
    await reading;
    expectPolicyFailure(result, /^policy "reads-a-file" did real I\/O at virtual \+10\.\d{3} s: fs\/promises \(readFile\) at .*failures\.test\.ts:\d+:\d+\): runs are not deterministic/);
  });

  test('a DNS lookup is a policy failure (the network guard blocks it and the run reports it)', async () => {
    const { lookup } = await import('node:dns/promises');
    const result = await runScenario(scenario(), {
      policy: policy('looks-up-a-name', {
        onTick: async (_ctx, n) => {
          if (n === 1) await lookup('api.binance.com').catch(() => undefined);
        },
      }),
    });
    expectPolicyFailure(result, /^policy "looks-up-a-name" did real I\/O at virtual \+5\.\d{3} s: a DNS lookup of api\.binance\.com \(blocked by the network guard, via dns\)/);
  });

  test('a socket is a policy failure', async () => {
    const net = await import('node:net');
    const result = await runScenario(scenario(), {
      policy: policy('opens-a-socket', {
        onTick: (_ctx, n) => {
          if (n === 1) net.connect({ host: 'api.binance.com', port: 443 }).on('error', () => undefined);
        },
      }),
    });
    expectPolicyFailure(result, /^policy "opens-a-socket" did real I\/O at virtual \+5\.\d{3} s: a connection to api\.binance\.com:443 \(blocked by the network guard, via net\)/);
  });

  test('the same policy without I/O passes, and the reference engine is not watched by default', async () => {
    const quiet = await runScenario(scenario(), { policy: policy('well-behaved') });
    expect(quiet.invariants.filter((i) => !i.passed)).toEqual([]);
    const watched = await runScenario(scenario(), { watchRealIo: true });
    expect(watched.outcome).toBe('passed');
  });
});
