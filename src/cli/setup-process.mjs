// The setup every venuechaos process does before anything else, shared by the CLI entry
// (bin/venuechaos.mjs) and the run worker (src/cli/run-worker-entry.mjs) so the two can never
// drift. Order matters: the virtual clock must be installed before anything imports ccxt (ccxt
// keeps Date.now and setTimeout from its first import), and the network guard before any code
// could open a connection. Plain JavaScript: TypeScript loads only once tsx is registered here.
import { register } from 'tsx/esm/api';

/** Registers tsx, installs the virtual clock, the network guard and the ccxt guard. Once per thread. */
export async function setupProcess() {
  register();
  await import('../sim/install-clock.ts');
  const { installNetworkGuard, guardCcxt } = await import('../net/guard.ts');
  installNetworkGuard();
  // A ccxt client created without the testbed's wiring is refused with a clear message.
  const ccxt = await import('ccxt');
  guardCcxt(ccxt.default ?? ccxt, {});
}
