// Named kernel behaviour profiles (DESIGN.md §6), consumed by spec and impl alike.
import type { Profile, ProfileName } from './api/index.js';

const MAINLINE = 'mainline Linux 6.12 (page allocator as in 6.12.y with the 6.15 __rmqueue backports)';

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'linux-6.12': {
    name: 'linux-6.12',
    kernel: MAINLINE,
    historical: false,
    allowsPrivateNodes: false,
    privateNodes: null,
    expectedViolations: [],
    knownViolations: [],
  },
  'private-nodes-v4': {
    name: 'private-nodes-v4',
    kernel: `${MAINLINE} plus Gregory Price's private memory nodes RFC v4 (2026-02-22): N_MEMORY_PRIVATE, __GFP_PRIVATE, NP_OPS_*`,
    historical: false,
    allowsPrivateNodes: true,
    privateNodes: { gate: '__GFP_PRIVATE', pinnable: 'flag', movableOnly: false },
    expectedViolations: [],
    // NP_OPS_LONGTERM_PIN on a private node onlined as ZONE_MOVABLE: the pin stays there and blocks
    // offlining (properties/regressions/private-v4-longterm-pin-blocks-movable-offline.json)
    knownViolations: ['hotplug/movable-offlinable'],
  },
  'private-nodes-v3': {
    name: 'private-nodes-v3',
    kernel: 'private-nodes-v4 with the RFC v3 (2026-01-08) isolation key: __GFP_THISNODE also unlocks a private node',
    historical: false,
    allowsPrivateNodes: true,
    privateNodes: { gate: '__GFP_PRIVATE|__GFP_THISNODE', pinnable: 'flag', movableOnly: false },
    expectedViolations: ['private/no-leak'],
    knownViolations: ['hotplug/movable-offlinable'],
  },
  'private-nodes-zone-pin': {
    name: 'private-nodes-zone-pin',
    kernel:
      'private-nodes-v4 with seed 003\'s idea: a private folio is longterm-pinnable iff it is not in ZONE_MOVABLE, and non-movable allocations are refused on private nodes',
    historical: false,
    allowsPrivateNodes: true,
    privateNodes: { gate: '__GFP_PRIVATE', pinnable: 'zone', movableOnly: true },
    expectedViolations: [],
    knownViolations: [],
  },
};

export const DEFAULT_PROFILE: ProfileName = 'linux-6.12';

export function isProfileName(name: string): name is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}
