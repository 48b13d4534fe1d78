// The spec's own bookkeeping stays consistent under random op sequences: lists, PageBuddy map,
// counters, pageblock types, coalescing and page conservation (a self-check, not the harness's
// invariants, which live in properties/).
import { test, expect } from 'vitest';
import fc from 'fast-check';
import { MIGRATETYPE_NAMES, ZONE_NAMES, type MachineConfig, type NodeConfig, type Op, type PfnRange, type ZoneName } from '../../../model/api/index.js';
import { __find_buddy_pfn, migratetype_is_mergeable } from '../../../model/spec/free.js';
import { gfp_migratetype, parseGfp } from '../../../model/spec/gfp.js';
import { get_pfnblock_migratetype, page_zone, type Zone } from '../../../model/spec/machine.js';
import type { SpecSystem } from '../../../model/spec/system.js';
import { spec } from './helpers.js';

const machineArb: fc.Arbitrary<MachineConfig> = fc
  .record({
    maxOrder: fc.integer({ min: 0, max: 4 }),
    pb: fc.integer({ min: 0, max: 4 }),
    nodes: fc.array(
      fc.array(
        fc.record({ gap: fc.nat({ max: 2 }), pbs: fc.integer({ min: 0, max: 9 }), cma: fc.option(fc.tuple(fc.nat(8), fc.integer({ min: 1, max: 3 }))) }),
        { minLength: 4, maxLength: 4 },
      ),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ maxOrder, pb: pbRaw, nodes }) => {
    const pageblockOrder = Math.min(pbRaw, maxOrder);
    const pb = 2 ** pageblockOrder;
    let pfn = 0;
    const configs: NodeConfig[] = nodes.map((zs, nid) => {
      const zones: Partial<Record<ZoneName, PfnRange>> = {};
      const cma: PfnRange[] = [];
      zs.forEach((z, i) => {
        if (z.pbs === 0) return;
        pfn += z.gap * pb;
        zones[ZONE_NAMES[i]!] = [pfn, z.pbs * pb];
        if (z.cma) {
          const off = z.cma[0] % z.pbs;
          cma.push([pfn + off * pb, Math.min(z.cma[1], z.pbs - off) * pb]);
        }
        pfn += z.pbs * pb;
      });
      return { nid, zones, ...(cma.length ? { cma } : {}) };
    });
    return { maxOrder, pageblockOrder, nodes: configs };
  });

const GFPS = [
  ['GFP_KERNEL'],
  ['GFP_HIGHUSER_MOVABLE'],
  ['GFP_KERNEL', '__GFP_MOVABLE'],
  ['GFP_KERNEL', '__GFP_RECLAIMABLE'],
  ['GFP_USER', '__GFP_THISNODE'],
  ['GFP_DMA32'],
  ['GFP_DMA'],
];

const FOLL = ['FOLL_WRITE', 'FOLL_LONGTERM', 'FOLL_NOFAULT', 'FOLL_GET', 'FOLL_PIN', 'FOLL_ANON', 'FOLL_FORCE'];
const GUP_OPS = ['get_user_pages', 'get_user_pages_fast', 'pin_user_pages', 'pin_user_pages_fast'] as const;
const MODES = ['MPOL_DEFAULT', 'MPOL_LOCAL', 'MPOL_PREFERRED', 'MPOL_BIND', 'MPOL_INTERLEAVE'];

const rawOpArb = fc.record({
  kind: fc.integer({ min: 0, max: 27 }),
  gfp: fc.nat(GFPS.length - 1),
  order: fc.nat(4),
  nid: fc.option(fc.nat(3)),
  target: fc.nat(50),
  index: fc.nat(9),
  count: fc.integer({ min: 0, max: 5 }),
  flags: fc.subarray(FOLL, { maxLength: 2 }),
  nodes: fc.subarray([0, 1, 2, 3], { maxLength: 3 }),
  times: fc.constantFrom(1, 2, 1023, 2 ** 31 - 1),
});
type RawOp = typeof rawOpArb extends fc.Arbitrary<infer T> ? T : never;

function resolve(s: SpecSystem, raw: RawOp): Op {
  const live = s.snapshot().handles.map((h) => h.handle);
  const pick = (prefix: string) => {
    const hs = live.filter((h) => h.startsWith(prefix));
    return hs.length === 0 ? `${prefix}0` : hs[raw.target % hs.length]!;
  };
  const pb = 2 ** s.machine.pageblockOrder;
  const pfn = (raw.target % 40) * pb;
  switch (raw.kind) {
    case 0:
    case 1:
    case 2:
      return { op: 'alloc_pages', gfp: GFPS[raw.gfp]!, order: raw.order, ...(raw.nid !== null ? { nid: raw.nid } : {}) };
    case 3:
      return { op: 'free_pages', page: pick('k') };
    case 4:
      return raw.index % 2 === 0
        ? { op: 'get_page', page: pick(''), times: raw.times }
        : { op: 'get_page', vma: pick('v'), index: raw.index, times: raw.times };
    case 5:
      return { op: 'put_page', ref: pick('g') };
    case 6:
      return raw.index % 2 === 0 ? { op: 'query', page: pick('') } : { op: 'query', vma: pick('v'), index: raw.index };
    case 7:
    case 8:
      return { op: 'mmap', task: 1, pages: 2 ** Math.min(raw.order, 2) * (1 + (raw.index % 3)), folioOrder: Math.min(raw.order, 2) };
    case 9:
    case 10:
      return { op: 'touch', vma: pick('v'), index: raw.index, count: raw.count };
    case 11:
      return { op: 'munmap', vma: pick('v') };
    case 12:
    case 13:
    case 14:
    case 15:
      return { op: GUP_OPS[raw.kind - 12]!, vma: pick('v'), index: raw.index, nr: raw.count, gup_flags: raw.flags };
    case 16:
    case 17:
      return { op: 'unpin_user_pages', pin: pick('u') };
    case 18:
      return { op: 'set_mempolicy', task: 1, mode: MODES[raw.target % MODES.length]!, nodes: raw.nodes };
    case 19:
      return {
        op: 'mbind',
        vma: pick('v'),
        mode: MODES[raw.target % MODES.length]!,
        nodes: raw.nodes,
        flags: raw.index % 2 === 0 ? ['MPOL_MF_MOVE'] : ['MPOL_MF_STRICT', 'MPOL_MF_MOVE'],
      };
    case 20:
      return { op: 'set_cpuset_mems', task: 1, nodes: raw.nodes };
    case 21:
      return { op: 'move_pages', vma: pick('v'), index: raw.index, node: raw.nid ?? 0 };
    case 22:
    case 23:
      return { op: 'offline_pages', startPfn: pfn, pages: pb * (1 + (raw.count % 2)) };
    case 24:
      return { op: 'online_pages', nid: raw.nid ?? 0, startPfn: pfn, pages: pb, type: raw.index % 2 === 0 ? 'online_movable' : 'online_kernel' };
    case 25:
    case 26:
      return { op: 'cma_alloc', area: raw.target % 3, count: 1 + raw.count };
    default:
      return { op: 'cma_release', cma: pick('c') };
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** ISOLATE pages are free but not counted (none exist through ops yet). */
function isolated(zone: Zone): number {
  return zone.free_area.reduce((n, area, order) => n + area.free_list.MIGRATE_ISOLATE.length * 2 ** order, 0);
}

function checkConsistent(s: SpecSystem): void {
  const m = s.machine;
  const owner = new Map<number, string>();
  const claim = (pfn: number, what: string) => {
    check(!owner.has(pfn), `pfn ${pfn}: ${what} and ${owner.get(pfn)}`);
    owner.set(pfn, what);
  };
  for (const zone of m.zones) {
    let free = 0;
    let freeCma = 0;
    const seen = new Set<number>();
    zone.free_area.forEach((area, order) => {
      let count = 0;
      for (const mt of MIGRATETYPE_NAMES) {
        for (const pfn of area.free_list[mt]) {
          count += 1;
          seen.add(pfn);
          const b = zone.buddies.get(pfn);
          check(b?.order === order && b.list === mt, `buddy record of ${pfn}`);
          check(pfn % 2 ** order === 0, `misaligned ${pfn}/${order}`);
          for (let p = pfn; p < pfn + 2 ** order; p++) {
            check(page_zone(m, p) === zone, `free pfn ${p} outside its zone`);
            check(get_pfnblock_migratetype(m, p) === mt, `free pfn ${p} on the ${mt} list`);
            claim(p, `free ${pfn}/${order}`);
          }
          if (mt !== 'MIGRATE_ISOLATE') free += 2 ** order;
          if (mt === 'MIGRATE_CMA') freeCma += 2 ** order;
          // coalesced: no mergeable free buddy of the same order
          if (order < m.maxOrder) {
            const bp = __find_buddy_pfn(pfn, order);
            const buddy = zone.buddies.get(bp);
            if (buddy && buddy.order === order && page_zone(m, bp) === zone) {
              const bmt = get_pfnblock_migratetype(m, bp);
              const gated = order >= m.pageblockOrder && mt !== bmt && !(migratetype_is_mergeable(mt) && migratetype_is_mergeable(bmt));
              check(gated, `free buddies ${pfn} and ${bp} at order ${order}`);
            }
          }
        }
      }
      check(area.nr_free === count, `nr_free[${order}]`);
    });
    check(seen.size === zone.buddies.size, 'PageBuddy map vs lists');
    check(zone.vm_stat.NR_FREE_PAGES === free, 'NR_FREE_PAGES');
    check(zone.vm_stat.NR_FREE_CMA_PAGES === freeCma, 'NR_FREE_CMA_PAGES');
  }
  for (const folio of m.folios.values()) {
    check(folio.holders.length > 0, `folio ${folio.pfn} has no holders`);
    for (let p = folio.pfn; p < folio.pfn + 2 ** folio.order; p++) {
      check(page_zone(m, p) === folio.zone, `folio pfn ${p} outside its zone`);
      claim(p, `folio ${folio.pfn}`);
    }
    for (const h of folio.holders) {
      if (h.kind !== 'map') continue;
      const vma = m.vmas.get(h.vma);
      check(vma !== undefined && vma.ptes[h.index] === folio, `map holder ${h.vma}[${h.index}] of ${folio.pfn}`);
      check(vma!.folioOrder === folio.order, 'folio order vs VMA');
    }
  }
  for (const a of m.cmaAllocations.values()) for (let p = a.pfn; p < a.pfn + a.nrPages; p++) claim(p, `cma ${a.handle}`);
  check(owner.size === m.zones.reduce((n, z) => n + z.present_pages, 0), 'conservation');
  for (const f of m.folios.values()) {
    if (f.holders.some((h) => h.kind === 'pin' && h.longterm && s.handles.live.has(h.handle))) {
      const mt = get_pfnblock_migratetype(m, f.pfn);
      check(f.zone.name !== 'ZONE_MOVABLE' && mt !== 'MIGRATE_CMA' && mt !== 'MIGRATE_ISOLATE', `longterm pin on ${f.pfn}`);
    }
  }
  for (const [pb, block] of m.pageblocks) check(block.migratetype !== 'MIGRATE_ISOLATE', `pageblock ${pb} left isolated`);
  for (const vma of m.vmas.values()) {
    vma.ptes.forEach((f, i) => {
      if (f === null) return;
      check(m.folios.get(f.pfn) === f, `pte ${vma.handle}[${i}] names a dead folio`);
      check(f.holders.some((h) => h.kind === 'map' && h.vma === vma.handle && h.index === i), `pte ${vma.handle}[${i}] without holder`);
    });
  }
  for (const h of s.handles.live.values()) {
    if (h.kind === 'alloc_pages' || h.kind === 'get_page') {
      check(m.folios.get(h.folio.pfn) === h.folio, `handle ${h.handle} names a dead folio`);
      check(h.folio.holders.filter((x) => x.kind !== 'map' && x.handle === h.handle).length === 1, `holder of ${h.handle}`);
    } else if (h.kind === 'mmap') {
      check(m.vmas.get(h.handle) === h.vma, `vma ${h.handle}`);
    } else if (h.kind === 'cma_alloc') {
      check(m.cmaAllocations.get(h.handle) === h.range, `cma ${h.handle}`);
    } else if ('pages' in h) {
      for (const p of h.pages) {
        check(m.folios.get(p.folio.pfn) === p.folio, `handle ${h.handle} names a dead folio`);
        const n = p.folio.holders.filter((x) => x.kind !== 'map' && x.handle === h.handle && 'index' in x && x.index === p.index).length;
        check(n === 1, `holder of ${h.handle}[${p.index}]`);
        check(p.pfn >= p.folio.pfn && p.pfn < p.folio.pfn + 2 ** p.folio.order, `pfn of ${h.handle}[${p.index}]`);
      }
    }
  }
}

function dropAll(s: SpecSystem): void {
  for (const h of [...s.handles.live.keys()]) {
    if (!s.handles.live.has(h)) continue;
    const op: Op =
      h[0] === 'k'
        ? { op: 'free_pages', page: h }
        : h[0] === 'g'
          ? { op: 'put_page', ref: h }
          : h[0] === 'u'
            ? { op: 'unpin_user_pages', pin: h }
            : h[0] === 'v'
              ? { op: 'munmap', vma: h }
              : { op: 'cma_release', cma: h };
    s.apply(op);
  }
}

const stats = new Map<string, number>();

/** User memory first, so the random ops have VMAs and folios to work on. */
const PRELUDE: readonly Op[] = [
  { op: 'mmap', task: 1, pages: 6 },
  { op: 'mmap', task: 1, pages: 4, folioOrder: 1 },
  { op: 'touch', vma: 'v1', index: 0, count: 4 },
  { op: 'touch', vma: 'v2', index: 1, count: 2 },
];

test('random op sequences keep the spec internally consistent', () => {
  fc.assert(
    fc.property(machineArb, fc.array(rawOpArb, { maxLength: 60, size: 'medium' }), (config, raws) => {
      const s = spec(config);
      checkConsistent(s);
      for (const op of PRELUDE) {
        s.apply(op);
        checkConsistent(s);
      }
      for (const raw of raws) {
        const op = resolve(s, raw);
        const r = s.apply(op);
        const key = `${op.op} ${typeof r.ret === 'string' ? r.ret : r.ret === 0 ? 0 : '>0'}`;
        stats.set(key, (stats.get(key) ?? 0) + 1);
        for (const e of s.drainEvents()) stats.set(`event ${e.kind}`, (stats.get(`event ${e.kind}`) ?? 0) + 1);
        if (op.op === 'alloc_pages' && r.ret === 0 && 'migratetype' in r && r.migratetype === 'MIGRATE_CMA') {
          // CMA only for movable requests
          check(gfp_migratetype(parseGfp(op.gfp)!) === 'MIGRATE_MOVABLE', `CMA pfn ${r.pfn} for ${op.gfp.join('|')}`);
        }
        checkConsistent(s);
      }
      // dropping every handle frees every folio
      dropAll(s);
      checkConsistent(s);
      check(s.machine.folios.size === 0, 'folios left after dropping every handle');
      for (const z of s.machine.zones) check(z.vm_stat.NR_FREE_PAGES === z.present_pages - isolated(z), 'not all free');
    }),
    { numRuns: Number(process.env.SPEC_CONSISTENCY_RUNS ?? 300), seed: 20240611 },
  );
  if (process.env.SPEC_CONSISTENCY_STATS) console.log([...stats].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
});
