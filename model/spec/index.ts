// The reference model (executable spec): plain objects and arrays, exact holder counts, kernel
// names for kernel concepts, written to be read next to the kernel source.
import type { MmSystemFactory } from '../api/index.js';
import { createSpecSystem as create } from './system.js';

export type { SpecSystem } from './system.js';

export const createSpecSystem: MmSystemFactory = create;
