// Tasks: home node and cpuset mems as node bitmasks (MODEL.md "Machine and initial state").
import type { MachineConfig } from '../api/index.js';
import { IdIndex } from './idindex.js';
import { NodeMask } from './zonelist.js';

export class TaskTable {
  /** task position by tid */
  readonly pos: IdIndex;
  /** home node position per task */
  readonly nodePos: Int32Array;
  /** cpuset mems per task (default: every node) */
  readonly mems: readonly NodeMask[];

  constructor(config: MachineConfig, nodePos: IdIndex) {
    const nrNodes = config.nodes.length;
    const tasks = config.tasks ?? [{ tid: 1, nid: config.nodes[0]?.nid ?? 0 }];
    this.pos = new IdIndex(tasks.map((t) => t.tid));
    this.nodePos = Int32Array.from(tasks, (t) => nodePos.get(t.nid));
    this.mems = tasks.map((t) => {
      const m = new NodeMask(nrNodes);
      if (t.mems === undefined) for (let p = 0; p < nrNodes; p++) m.set(p);
      else
        for (const nid of t.mems) {
          const p = nodePos.get(nid);
          if (p >= 0) m.set(p);
        }
      return m;
    });
  }
}
