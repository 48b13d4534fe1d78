// The optimized implementation (DESIGN.md §1): kernel-like data structures behind MmSystem.
// Imports model/api and model/profiles only; never model/spec.
import type { MmSystemFactory } from '../api/index.js';
import { ImplSystem } from './system.js';

export const createImplSystem: MmSystemFactory = (config, profile) => new ImplSystem(config, profile);

export { ImplSystem };
