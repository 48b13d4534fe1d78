// Precomputed zonelists (build_zonelists, mm/page_alloc.c; MODEL.md "Zonelist of the preferred node"
// and "Private memory nodes") and node bitmasks, so the allocation hot path allocates nothing.
import { GFP_BITS, LOCAL_DISTANCE, REMOTE_DISTANCE, ZONE_NAMES } from '../api/index.js';
import type { MachineConfig, Profile } from '../api/index.js';
import { IdIndex } from './idindex.js';
import type { MemMap } from './mem.js';
import type { NodePrivateTable } from './node_private.js';

const NR_ZONE_TYPES = ZONE_NAMES.length;

/** A set of node positions (index in config.nodes) as 32-bit words. */
export class NodeMask {
  readonly words: Int32Array;
  constructor(nrNodes: number) {
    this.words = new Int32Array(Math.max(1, (nrNodes + 31) >>> 5));
  }
  clear(): void {
    this.words.fill(0);
  }
  set(pos: number): void {
    const w = pos >>> 5;
    this.words[w] = this.words[w]! | (1 << (pos & 31));
  }
  has(pos: number): boolean {
    return ((this.words[pos >>> 5]! >>> (pos & 31)) & 1) !== 0;
  }
}

export class Zonelists {
  readonly nrNodes: number;
  /** node position by nid */
  readonly nodePos: IdIndex;
  /** zone-table indices of every list, concatenated */
  readonly zones: Int32Array;
  /** [start, end) in `zones` of list key(pos, thisnode, highestZoneIdx) */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /**
   * where the walk starts when the private-node gate is closed: a private node's own zones are the
   * only private zones in any list and come first in it, so numa_zone_alloc_allowed skipping them
   * is skipping that prefix (= start for a normal node, and on every machine without private nodes)
   */
  readonly startGated: Int32Array;
  /** gfp bits that open the gate (profile `gate`): __GFP_PRIVATE [| __GFP_THISNODE]; 0 without private nodes */
  readonly gateMask: number;
  /** profile `movableOnly`: the gate also needs MIGRATE_MOVABLE */
  readonly movableOnly: boolean;

  constructor(config: MachineConfig, mm: MemMap, profile: Profile, np: NodePrivateTable) {
    const n = config.nodes.length;
    this.nrNodes = n;
    this.nodePos = new IdIndex(config.nodes.map((node) => node.nid));
    const matrix = config.distance;
    const dist = (a: number, b: number): number => (matrix ? (matrix[a]?.[b] ?? Infinity) : defaultDistance(a, b));
    // Stryker disable next-line ArrayDeclaration: an extra first element shifts every [start, end) by one; no list reads it
    const out: number[] = [];
    const rules = profile.privateNodes;
    // np.any implies a profile with private nodes (NodePrivateTable registers nodes only then)
    this.gateMask = !np.any ? 0 : rules!.gate === '__GFP_PRIVATE' ? GFP_BITS.__GFP_PRIVATE : GFP_BITS.__GFP_PRIVATE | GFP_BITS.__GFP_THISNODE;
    this.movableOnly = rules !== null && rules.movableOnly;
    this.start = new Int32Array(n * 2 * NR_ZONE_TYPES);
    this.end = new Int32Array(n * 2 * NR_ZONE_TYPES);
    this.startGated = new Int32Array(n * 2 * NR_ZONE_TYPES);
    const isPrivate = (pos: number) => np.isPrivate[pos] === 1;
    // Stryker disable next-line EqualityOperator: position n writes keys past the end of the typed arrays (ignored) and zones after every list
    for (let p = 0; p < n; p++) {
      // find_next_best_node iterates N_MEMORY only: no private node after the first entry
      const order = nodeOrder(config, p, dist).filter((pos, i) => i === 0 || !isPrivate(pos));
      for (let thisnode = 0; thisnode < 2; thisnode++) {
        const nodes = thisnode ? [p] : order;
        // Stryker disable next-line EqualityOperator: key(p, t, NR_ZONE_TYPES) is the key of the next (t, 0) or (p + 1, 0, 0), rewritten afterwards, or past the end (ignored)
        for (let high = 0; high < NR_ZONE_TYPES; high++) {
          const key = this.key(p, thisnode === 1, high);
          this.start[key] = out.length;
          // build_zonerefs_node // mm/page_alloc.c: populated zones, highest index first
          for (const pos of nodes) {
            for (let t = high; t >= 0; t--) {
              const z = mm.zoneIds[pos * NR_ZONE_TYPES + t]!;
              if (z >= 0) out.push(z);
            }
            if (pos === p) this.startGated[key] = isPrivate(p) ? out.length : this.start[key]!;
          }
          this.end[key] = out.length;
        }
      }
    }
    this.zones = Int32Array.from(out);
  }

  key(pos: number, thisnode: boolean, highestZoneIdx: number): number {
    return (pos * 2 + (thisnode ? 1 : 0)) * NR_ZONE_TYPES + highestZoneIdx;
  }

  /** the zone-table indices of one list (tests, reports) */
  list(pos: number, thisnode: boolean, highestZoneIdx: number): number[] {
    const k = this.key(pos, thisnode, highestZoneIdx);
    return Array.from(this.zones.subarray(this.start[k]!, this.end[k]!));
  }
}

/** the distance without a matrix: 10 local, 20 remote */
function defaultDistance(a: number, b: number): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: nodeOrder never asks dist(p, p), and one distance for all other nodes orders them by nid whatever its value
  return a === b ? LOCAL_DISTANCE : REMOTE_DISTANCE;
}

/** FALLBACK node order of preferred node p: p, then the others by ascending (distance[p][n], nid). */
export function nodeOrder(config: MachineConfig, p: number, dist: (a: number, b: number) => number): number[] {
  const others: number[] = [];
  for (let i = 0; i < config.nodes.length; i++) if (i !== p) others.push(i);
  others.sort((a, b) => dist(p, a) - dist(p, b) || config.nodes[a]!.nid - config.nodes[b]!.nid);
  return [p, ...others];
}
