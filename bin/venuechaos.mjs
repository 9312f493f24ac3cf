#!/usr/bin/env node
// Entry point. The process setup (tsx, the virtual clock before ccxt, the network guard) lives in
// one module that the run worker shares, so a run sees the same process in both.
import { setupProcess } from '../src/cli/setup-process.mjs';

await setupProcess();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
