// Every invariant checked after every op, in a stable order (ids are the public names).
import type { Invariant } from '../findings.js';
import { ALLOC_INVARIANTS } from './alloc.js';
import { BUDDY_INVARIANTS } from './buddy.js';
import { GUP_INVARIANTS } from './gup.js';
import { HOTPLUG_INVARIANTS } from './hotplug.js';
import { MEMPOLICY_INVARIANTS } from './mempolicy.js';
import { PRIVATE_INVARIANTS } from './private.js';

export const INVARIANTS: readonly Invariant[] = [
  ...BUDDY_INVARIANTS,
  ...ALLOC_INVARIANTS,
  ...GUP_INVARIANTS,
  ...HOTPLUG_INVARIANTS,
  ...MEMPOLICY_INVARIANTS,
  ...PRIVATE_INVARIANTS,
];
