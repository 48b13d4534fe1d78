// Named kernel behaviour profiles (DESIGN.md §6), consumed by spec and impl alike.
import type { HistoricalRules, Profile, ProfileName } from './api/index.js';

const MAINLINE = 'mainline Linux 6.12 (page allocator as in 6.12.y with the 6.15 __rmqueue backports)';

/** linux-6.12's rules: no historical switch on. */
const CURRENT: HistoricalRules = {
  pinCountsLikeGet: false,
  fastSkipsLongtermCheck: false,
  longtermCmaOnly: false,
  targetMayBeMovable: false,
  mergeGateFreeingOnly: false,
};

/** A historical profile: linux-6.12 with one switch on, expected to violate `expect`. */
function historical(name: ProfileName, kernel: string, commits: string, rules: Partial<HistoricalRules>, expect: string[], known: string[] = []): Profile {
  return {
    name,
    kernel,
    historical: true,
    privateNodes: null,
    historicalRules: { ...CURRENT, ...rules },
    commits,
    expectedViolations: expect,
    knownViolations: known,
  };
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'linux-6.12': {
    name: 'linux-6.12',
    kernel: MAINLINE,
    historical: false,
    privateNodes: null,
    historicalRules: CURRENT,
    commits: 'v6.12',
    expectedViolations: [],
    knownViolations: [],
  },
  'private-nodes-v4': {
    name: 'private-nodes-v4',
    kernel: `${MAINLINE} plus Gregory Price's private memory nodes RFC v4 (2026-02-22): N_MEMORY_PRIVATE, __GFP_PRIVATE, NP_OPS_*`,
    historical: false,
    privateNodes: { gate: '__GFP_PRIVATE', pinnable: 'flag', movableOnly: false },
    historicalRules: CURRENT,
    commits: 'RFC v4, msgid 20260222084842.1824063-1-gourry@gourry.net (patches 01-23, 26)',
    expectedViolations: [],
    // NP_OPS_LONGTERM_PIN on a private node onlined as ZONE_MOVABLE: the pin stays there and blocks
    // offlining (properties/regressions/private-v4-longterm-pin-blocks-movable-offline.json)
    knownViolations: ['hotplug/movable-offlinable'],
  },
  'private-nodes-v3': {
    name: 'private-nodes-v3',
    kernel: 'private-nodes-v4 with the RFC v3 (2026-01-08) isolation key: __GFP_THISNODE also unlocks a private node',
    historical: false,
    privateNodes: { gate: '__GFP_PRIVATE|__GFP_THISNODE', pinnable: 'flag', movableOnly: false },
    historicalRules: CURRENT,
    commits: 'RFC v3 "N_PRIVATE node isolation" (2026-01-08) isolation key on top of RFC v4',
    expectedViolations: ['private/no-leak'],
    knownViolations: ['hotplug/movable-offlinable'],
  },
  'private-nodes-zone-pin': {
    name: 'private-nodes-zone-pin',
    kernel:
      'private-nodes-v4 with seed 003\'s idea: a private folio is longterm-pinnable iff it is not in ZONE_MOVABLE, and non-movable allocations are refused on private nodes',
    historical: false,
    privateNodes: { gate: '__GFP_PRIVATE', pinnable: 'zone', movableOnly: true },
    historicalRules: CURRENT,
    commits: 'RFC v4 with seed 003 (David Hildenbrand, 2026-04-17)',
    expectedViolations: [],
    knownViolations: [],
  },
  'linux-5.6': historical(
    'linux-5.6',
    'Linux 5.6: pin_user_pages() added FOLL_PIN but counted it like FOLL_GET (+1, no GUP_PIN_COUNTING_BIAS, no _pincount)',
    'eddb1c228f79 (5.6, FOLL_PIN introduced untracked); fixed by 3faa52c03f44 "mm/gup: track FOLL_PIN pages" (5.7)',
    { pinCountsLikeGet: true },
    ['gup/no-false-negative', 'gup/refcount-exact'],
  ),
  'linux-5.7': historical(
    'linux-5.7',
    'Linux 5.7: the pin bias, but GUP-fast took FOLL_LONGTERM pins without checking that the folio is longterm-pinnable',
    'fixed by "mm/gup: fix omission of check on FOLL_LONGTERM in gup fast path" (Pingfan Liu; gup.md §7 B2)',
    { fastSkipsLongtermCheck: true },
    ['gup/longterm-pinnable'],
    ['hotplug/movable-offlinable'],
  ),
  'linux-5.10': historical(
    'linux-5.10',
    'Linux 5.10: FOLL_LONGTERM migrates CMA folios only (memalloc_nocma), ZONE_MOVABLE pins are allowed, a failed migration pins in place',
    'fixed by Tatashin\'s series (5.13): 8e3560d963d2 "honor PF_MEMALLOC_PIN for all movable pages", f0f4463837da "return an error on migration failure" (B4)',
    { longtermCmaOnly: true },
    ['gup/longterm-pinnable'],
    ['hotplug/movable-offlinable'],
  ),
  'tatashin-v3': historical(
    'tatashin-v3',
    'Pavel Tatashin\'s "prohibit pinning pages in ZONE_MOVABLE" v3: the migration target of a long-term pin kept __GFP_MOVABLE and could land in ZONE_MOVABLE, and was pinned there',
    'fixed in v4 by c991ffef7bce "mm/gup: don\'t pin migrated cma pages in movable zone" (seed 002, gup.md §7 B3)',
    { targetMayBeMovable: true },
    ['gup/longterm-pinnable'],
    ['hotplug/movable-offlinable'],
  ),
  'isolate-merge': historical(
    'isolate-merge',
    'the merge gate of 3c605096d315: at pageblock order only an isolated freeing block stopped merging, so isolated and CMA buddies merged with others',
    '3c605096d315 "restrict max order of merging on isolated pageblock"; fixed by d9dddbf55667 "prevent merging between isolated and other pageblocks" (page_alloc.md §6 A)',
    { mergeGateFreeingOnly: true },
    ['buddy/counters'],
    // the merge corrupts the free lists (the original report: MemFree above MemTotal); every buddy
    // invariant can show it, and later ops then run on a broken structure that spec and impl hold
    // differently (the spec refuses with an exception), so those findings are consequences too
    [
      'buddy/list-type',
      'buddy/coalesced',
      'buddy/conservation',
      'buddy/aligned-disjoint',
      'alloc/zone-eligible',
      'hotplug/movable-offlinable',
      'gup/longterm-pinnable',
      'gup/refcount-exact',
      'diff/result',
      'diff/state',
      'model/exception',
    ],
  ),
};

export const DEFAULT_PROFILE: ProfileName = 'linux-6.12';

export function isProfileName(name: string): name is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}
