/**
 * Side-effect module: installs the virtual clock. It must be the first import of any process
 * (CLI entry, vitest setup file, bench) that later imports ccxt — see src/sim/virtual-clock.ts.
 */
import { installVirtualClock } from './virtual-clock.ts';

installVirtualClock();
