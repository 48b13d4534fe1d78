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

const rawOpArb = fc.record({
  kind: fc.integer({ min: 0, max: 9 }),
  gfp: fc.nat(GFPS.length - 1),
  order: fc.nat(4),
  nid: fc.option(fc.nat(3)),
  target: fc.nat(50),
  times: fc.constantFrom(1, 2, 1023, 2 ** 31 - 1),
});
type RawOp = typeof rawOpArb extends fc.Arbitrary<infer T> ? T : never;

function resolve(s: SpecSystem, raw: RawOp): Op {
  const live = s.snapshot().handles.map((h) => h.handle);
  const pick = (prefix: string) => {
    const hs = live.filter((h) => h.startsWith(prefix));
    return hs.length === 0 ? `${prefix}0` : hs[raw.target % hs.length]!;
  };
  if (raw.kind <= 4) {
    return { op: 'alloc_pages', gfp: GFPS[raw.gfp]!, order: raw.order, ...(raw.nid !== null ? { nid: raw.nid } : {}) };
  }
  if (raw.kind <= 6) return { op: 'free_pages', page: pick('k') };
  if (raw.kind === 7) return { op: 'get_page', page: pick(''), times: raw.times };
  if (raw.kind === 8) return { op: 'put_page', ref: pick('g') };
  return { op: 'query', page: pick('') };
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
  }
  check(owner.size === m.zones.reduce((n, z) => n + z.present_pages, 0), 'conservation');
  for (const h of s.handles.live.values()) {
    check(m.folios.get(h.folio.pfn) === h.folio, `handle ${h.handle} names a dead folio`);
    check(h.folio.holders.filter((x) => x.handle === h.handle).length === 1, `holder of ${h.handle}`);
  }
}

test('random op sequences keep the spec internally consistent', () => {
  fc.assert(
    fc.property(machineArb, fc.array(rawOpArb, { maxLength: 60 }), (config, raws) => {
      const s = spec(config);
      checkConsistent(s);
      for (const raw of raws) {
        const op = resolve(s, raw);
        const r = s.apply(op);
        if (op.op === 'alloc_pages' && r.ret === 0 && 'migratetype' in r && r.migratetype === 'MIGRATE_CMA') {
          // CMA only for movable requests
          check(gfp_migratetype(parseGfp(op.gfp)!) === 'MIGRATE_MOVABLE', `CMA pfn ${r.pfn} for ${op.gfp.join('|')}`);
        }
        checkConsistent(s);
      }
      // dropping every handle frees every folio
      for (const h of [...s.handles.live.keys()]) {
        if (s.handles.live.has(h)) s.apply(h.startsWith('k') ? { op: 'free_pages', page: h } : { op: 'put_page', ref: h });
      }
      checkConsistent(s);
      check(s.machine.folios.size === 0, 'folios left after dropping every handle');
      for (const z of s.machine.zones) check(z.vm_stat.NR_FREE_PAGES === z.present_pages - isolated(z), 'not all free');
    }),
    { numRuns: Number(process.env.SPEC_CONSISTENCY_RUNS ?? 300), seed: 20240611 },
  );
});
