// Tasks: home node, cpuset mems, task mempolicy and the interleave cursor (MODEL.md "Mempolicy").
import type { MachineConfig } from '../api/index.js';
import { IdIndex } from './idindex.js';
import type { Mempolicy } from './mempolicy.js';
import { NodeMask } from './zonelist.js';

export class TaskTable {
  /** task position by tid */
  readonly pos: IdIndex;
  readonly tids: readonly number[];
  /** home node position per task */
  readonly nodePos: Int32Array;
  /** home nid per task */
  readonly nid: Int32Array;
  /** cpuset mems per task as node positions (default: every node) */
  readonly mems: NodeMask[];
  /** cpuset mems per task as nids, ascending */
  readonly memsNids: number[][];
  /** current->mempolicy; null: MPOL_DEFAULT */
  readonly policy: (Mempolicy | null)[];
  /** current->il_prev: the nid interleave picked last, -1 before the first */
  readonly ilPrev: Int32Array;

  constructor(config: MachineConfig, nodePos: IdIndex) {
    const nrNodes = config.nodes.length;
    const allNids = config.nodes.map((n) => n.nid);
    const tasks = config.tasks?.length ? config.tasks : [{ tid: 1, nid: config.nodes[0]?.nid ?? 0 }];
    this.tids = tasks.map((t) => t.tid);
    this.pos = new IdIndex(this.tids);
    this.nodePos = Int32Array.from(tasks, (t) => nodePos.get(t.nid));
    this.nid = Int32Array.from(tasks, (t) => t.nid);
    this.memsNids = tasks.map((t) => [...new Set(t.mems ?? allNids)].sort((a, b) => a - b));
    this.mems = this.memsNids.map((nids) => maskOf(nids, nrNodes, nodePos));
    this.policy = tasks.map(() => null);
    this.ilPrev = new Int32Array(tasks.length).fill(-1);
  }

  setMems(t: number, nids: number[], nrNodes: number, nodePos: IdIndex): void {
    this.memsNids[t] = nids;
    this.mems[t] = maskOf(nids, nrNodes, nodePos);
  }
}

/** node positions of the nids that exist */
export function maskOf(nids: readonly number[], nrNodes: number, nodePos: IdIndex): NodeMask {
  const m = new NodeMask(nrNodes);
  for (const nid of nids) {
    const p = nodePos.get(nid);
    if (p >= 0) m.set(p);
  }
  return m;
}
