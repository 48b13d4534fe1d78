// buddy/*: the free lists are a valid buddy system (DESIGN.md §9, page_alloc.md §6 I1–I5).
import { MIGRATETYPE_NAMES } from '../../model/api/index.js';
import type { Invariant, InvariantContext } from '../findings.js';
import { freeBlocks, isMergeable, pageblockTypes, presentPages, typesCovered, zoneOf, zoneRanges } from './layout.js';

const at = (pfn: number, order: number) => `block pfn ${pfn} order ${order}`;

export const alignedDisjoint: Invariant = {
  id: 'buddy/aligned-disjoint',
  claim: 'free blocks are naturally aligned, disjoint, each inside one zone',
  check({ config, snapshot }: InvariantContext) {
    const errs: string[] = [];
    const zones = zoneRanges(snapshot);
    const blocks = freeBlocks(snapshot).sort((a, b) => a.pfn - b.pfn);
    let prevEnd = -1;
    let prev = '';
    for (const b of blocks) {
      const size = 2 ** b.order;
      if (b.order > config.maxOrder) errs.push(`${at(b.pfn, b.order)}: order above maxOrder ${config.maxOrder}`);
      if (b.pfn % size !== 0) errs.push(`${at(b.pfn, b.order)}: not naturally aligned`);
      if (b.pfn < prevEnd) errs.push(`${at(b.pfn, b.order)}: overlaps ${prev}`);
      const first = zoneOf(zones, b.pfn);
      const last = zoneOf(zones, b.pfn + size - 1);
      if (!first || first !== last || first.nid !== b.nid || first.zone !== b.zone) {
        errs.push(`${at(b.pfn, b.order)}: on node ${b.nid} ${b.zone} lists but not inside that zone`);
      }
      prevEnd = Math.max(prevEnd, b.pfn + size);
      prev = at(b.pfn, b.order);
    }
    return errs;
  },
};

export const coalesced: Invariant = {
  id: 'buddy/coalesced',
  claim: 'no free block has a free buddy it is allowed to merge with',
  check({ config, snapshot }: InvariantContext) {
    const errs: string[] = [];
    const blocks = freeBlocks(snapshot);
    const byHead = new Map(blocks.map((b) => [b.pfn, b]));
    for (const b of blocks) {
      if (b.order >= config.maxOrder) continue;
      const buddy = byHead.get(b.pfn ^ (2 ** b.order));
      if (!buddy || buddy.order !== b.order || buddy.nid !== b.nid || buddy.zone !== b.zone) continue;
      const gated =
        b.order >= config.pageblockOrder &&
        b.migratetype !== buddy.migratetype &&
        (!isMergeable(b.migratetype) || !isMergeable(buddy.migratetype));
      if (!gated && b.pfn < buddy.pfn) {
        errs.push(`${at(b.pfn, b.order)} (${b.migratetype}) and its buddy ${buddy.pfn} (${buddy.migratetype}) are both free`);
      }
    }
    return errs;
  },
};

export const listType: Invariant = {
  id: 'buddy/list-type',
  claim: 'a free block sits on the list of its pageblock type',
  check({ config, snapshot }: InvariantContext) {
    const errs: string[] = [];
    const types = pageblockTypes(snapshot);
    for (const b of freeBlocks(snapshot)) {
      for (const t of typesCovered(types, config.pageblockOrder, b.pfn, 2 ** b.order)) {
        if (t !== b.migratetype) {
          errs.push(`${at(b.pfn, b.order)} is on the ${b.migratetype} list but covers a ${t ?? 'missing'} pageblock`);
          break;
        }
      }
    }
    return errs;
  },
};

export const counters: Invariant = {
  id: 'buddy/counters',
  claim: 'NR_FREE_PAGES, NR_FREE_CMA_PAGES and nr_free[] equal what the lists hold',
  check({ config, snapshot }: InvariantContext) {
    const errs: string[] = [];
    const isolate = MIGRATETYPE_NAMES.indexOf('MIGRATE_ISOLATE');
    const cma = MIGRATETYPE_NAMES.indexOf('MIGRATE_CMA');
    for (const z of snapshot.zones) {
      let free = 0;
      let freeCma = 0;
      const nrFree = new Array<number>(config.maxOrder + 1).fill(0);
      z.freeLists.forEach((byOrder, mt) =>
        byOrder.forEach((pfns, order) => {
          nrFree[order] = (nrFree[order] ?? 0) + pfns.length;
          if (mt !== isolate) free += pfns.length * 2 ** order;
          if (mt === cma) freeCma += pfns.length * 2 ** order;
        }),
      );
      const where = `node ${z.nid} ${z.zone}`;
      if (z.nrFreePages !== free) errs.push(`${where}: NR_FREE_PAGES ${z.nrFreePages}, lists hold ${free}`);
      if (z.nrFreeCmaPages !== freeCma) errs.push(`${where}: NR_FREE_CMA_PAGES ${z.nrFreeCmaPages}, CMA lists hold ${freeCma}`);
      if (JSON.stringify(z.nrFree) !== JSON.stringify(nrFree)) {
        errs.push(`${where}: nr_free [${z.nrFree.join(',')}], lists hold [${nrFree.join(',')}]`);
      }
    }
    return errs;
  },
};

export const conservation: Invariant = {
  id: 'buddy/conservation',
  claim: 'free + allocated = the present pages, offline pages are neither, and no page is two of these',
  check({ snapshot }: InvariantContext) {
    const errs: string[] = [];
    const spans: { start: number; end: number; what: string }[] = [];
    for (const b of freeBlocks(snapshot)) spans.push({ start: b.pfn, end: b.pfn + 2 ** b.order, what: `free ${at(b.pfn, b.order)}` });
    for (const f of snapshot.folios) spans.push({ start: f.pfn, end: f.pfn + 2 ** f.order, what: `folio pfn ${f.pfn} order ${f.order}` });
    for (const c of snapshot.cmaAllocations) spans.push({ start: c.pfn, end: c.pfn + c.nrPages, what: `${c.handle} [${c.pfn}, ${c.pfn + c.nrPages})` });
    for (const o of snapshot.offline) spans.push({ start: o.pfn, end: o.pfn + o.nrPages, what: `offline [${o.pfn}, ${o.pfn + o.nrPages})` });
    spans.sort((a, b) => a.start - b.start);
    let accounted = 0;
    let prev: (typeof spans)[number] | undefined;
    for (const s of spans) {
      if (prev && s.start < prev.end) errs.push(`${s.what} overlaps ${prev.what}`);
      accounted += s.end - s.start;
      if (!prev || s.end > prev.end) prev = s;
    }
    const offline = snapshot.offline.reduce((n, o) => n + o.nrPages, 0);
    const total = presentPages(snapshot) + offline;
    if (errs.length === 0 && accounted !== total) errs.push(`free + allocated + offline = ${accounted}, present + offline = ${total} pages`);
    const zones = zoneRanges(snapshot);
    for (const o of snapshot.offline) {
      if (zones.some((z) => z.start < o.pfn + o.nrPages && o.pfn < z.end)) errs.push(`offline [${o.pfn}, ${o.pfn + o.nrPages}) is also present`);
    }
    for (const s of spans) {
      if (s.what.startsWith('offline')) continue;
      if (!zoneOf(zones, s.start) || !zoneOf(zones, s.end - 1)) errs.push(`${s.what} is not present memory`);
    }
    return errs;
  },
};

export const BUDDY_INVARIANTS: readonly Invariant[] = [alignedDisjoint, coalesced, listType, counters, conservation];
