// TaskTable: the configured tasks (or one default task on the first node), cpuset mems as sorted,
// de-duplicated nids and as a node mask of the nids that exist.
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { boot } from './helpers.js';

describe('TaskTable', () => {
  test('without tasks: one task, tid 1, on the first node; on a machine without nodes, nid 0', () => {
    const noNodes: MachineConfig = { maxOrder: 1, pageblockOrder: 0, nodes: [] };
    expect(boot(noNodes).snapshot().tasks).toEqual([{ tid: 1, nid: 0, mems: [], policy: null, ilPrev: -1 }]);
    const onNode3: MachineConfig = { maxOrder: 1, pageblockOrder: 0, nodes: [{ nid: 3, zones: { ZONE_NORMAL: [0, 4] } }] };
    expect(boot(onNode3).snapshot().tasks).toEqual([{ tid: 1, nid: 3, mems: [3], policy: null, ilPrev: -1 }]);
  });

  test('cpuset mems are kept ascending without duplicates; the mask holds only nids that exist', () => {
    const config: MachineConfig = {
      maxOrder: 1,
      pageblockOrder: 0,
      nodes: [
        { nid: 0, zones: { ZONE_NORMAL: [0, 4] } },
        { nid: 1, zones: { ZONE_NORMAL: [4, 4] } },
        { nid: 2, zones: { ZONE_NORMAL: [8, 4] } },
      ],
      tasks: [
        { tid: 1, nid: 0, mems: [2, 0, 1, 0] },
        { tid: 7, nid: 2, mems: [5, 2] },
        { tid: 9, nid: 1, mems: [1, 10, 2] },
      ],
    };
    const sys = boot(config);
    expect(sys.snapshot().tasks.map((t) => t.mems)).toEqual([
      [0, 1, 2],
      [2, 5],
      [1, 2, 10],
    ]);
    expect([0, 1, 2].map((p) => sys.tasks.mems[1]!.has(p))).toEqual([false, false, true]);
    expect([0, 1, 2].map((p) => sys.tasks.mems[2]!.has(p))).toEqual([false, true, true]);
  });
});
