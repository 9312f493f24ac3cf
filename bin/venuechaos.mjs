#!/usr/bin/env node
// Entry point. Order matters: the virtual clock must be installed before anything imports ccxt
// (ccxt keeps Date.now and setTimeout from its first import), and the network guard before any
// code could open a connection.
import { register } from 'tsx/esm/api';

register();
await import('../src/sim/install-clock.ts');
const { installNetworkGuard, guardCcxt } = await import('../src/net/guard.ts');
installNetworkGuard();
// A ccxt client created without the testbed's wiring is refused with a clear message.
const ccxt = await import('ccxt');
guardCcxt(ccxt.default ?? ccxt, {});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
