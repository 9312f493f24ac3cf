/**
 * Every test file runs behind the network guard: a test that would reach a real exchange fails
 * with VC_NET_BLOCKED instead. (test/guard/ installs its own spies and checks the guard itself.)
 */
import { installNetworkGuard } from '../../src/net/guard.ts';

if (!process.env['VITEST_NO_GUARD_SETUP']) installNetworkGuard();
