// impl and spec side by side on one machine: every op must give the same result and leave the same
// snapshot, so a unit test with exact values checks both implementations at once.
import { expect } from 'vitest';
import type { MachineConfig, Op, OpResult, ProfileName, Snapshot } from '../../../model/api/index.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { createSpecSystem } from '../../../model/spec/system.js';

export interface Twin {
  readonly impl: ImplSystem;
  apply(op: Op): Record<string, unknown> & OpResult;
  snap(): Snapshot;
}

export function twin(config: MachineConfig, profile: ProfileName = 'linux-6.12'): Twin {
  const impl = new ImplSystem(config, PROFILES[profile]);
  const spec = createSpecSystem(config, PROFILES[profile]);
  return {
    impl,
    apply(op: Op): Record<string, unknown> & OpResult {
      const a = impl.apply(op);
      expect(a).toEqual(spec.apply(op));
      expect(impl.snapshot()).toEqual(spec.snapshot());
      return a as Record<string, unknown> & OpResult;
    },
    snap(): Snapshot {
      return impl.snapshot();
    },
  };
}
