// The machines the benchmark runs on.
import type { MachineConfig } from '../model/api/index.js';

/** 2^16 pages (256 MiB) on two nodes, every zone type, a CMA area, two tasks. */
export const MACHINE_64K: MachineConfig = {
  maxOrder: 10,
  pageblockOrder: 9,
  nodes: [
    {
      nid: 0,
      zones: { ZONE_DMA: [0, 4096], ZONE_DMA32: [4096, 12288], ZONE_NORMAL: [16384, 12288], ZONE_MOVABLE: [28672, 4096] },
      cma: [[24576, 2048]],
    },
    { nid: 1, zones: { ZONE_NORMAL: [32768, 24576], ZONE_MOVABLE: [57344, 8192] } },
  ],
  tasks: [
    { tid: 1, nid: 0 },
    { tid: 2, nid: 1, mems: [1] },
  ],
};

/** One node, one zone of 2^16 pages: the order-0 pair benchmark. */
export const FLAT_64K: MachineConfig = {
  maxOrder: 10,
  pageblockOrder: 9,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 1 << 16] } }],
};

/** 2^24 pages = 64 GiB of 4 KiB pages, x86-64 zone boundaries, two nodes. */
export const MACHINE_64GIB: MachineConfig = {
  maxOrder: 10,
  pageblockOrder: 9,
  nodes: [
    { nid: 0, zones: { ZONE_DMA: [0, 4096], ZONE_DMA32: [4096, 1044480], ZONE_NORMAL: [1048576, 7340032] } },
    { nid: 1, zones: { ZONE_NORMAL: [8388608, 6291456], ZONE_MOVABLE: [14680064, 2097152] } },
  ],
};

export function machinePages(config: MachineConfig): number {
  let n = 0;
  for (const node of config.nodes) for (const r of Object.values(node.zones)) if (r) n += r[1];
  return n;
}
