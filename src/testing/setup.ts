import { expect } from 'vitest';
import { runMatchers } from './matchers.ts';

/** vitest setup file: registers `toHoldInvariant` / `toBreakInvariant` (see matchers.ts). */
expect.extend(runMatchers);
