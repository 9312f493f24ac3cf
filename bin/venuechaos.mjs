#!/usr/bin/env node
// Entry point. Order matters: the virtual clock must be installed before anything imports ccxt
// (ccxt keeps Date.now and setTimeout from its first import), and the network guard before any
// code could open a connection.
import { register } from 'tsx/esm/api';

register();
await import('../src/sim/install-clock.ts');
const { installNetworkGuard } = await import('../src/net/guard.ts');
installNetworkGuard();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
