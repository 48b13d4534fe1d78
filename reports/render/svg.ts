// The SVG memory map of a state: one band per zone, one cell per page (or per power-of-two group of
// pages when a zone is large), filled by what the page is (free on a list of some migratetype, a
// kernel or unmapped folio, a user-mapped folio, a maybe-DMA-pinned folio, or offline), with the
// pageblock type as a strip under each cell, pageblock boundaries marked, free blocks and folios
// outlined, and the pfns named by the failing step highlighted. Offline ranges outside every zone's
// span get a band of their own. Zones of private nodes (N_MEMORY_PRIVATE) sit in a dashed frame,
// their label naming the node's ops.
import { MIGRATETYPE_NAMES } from '../../model/api/index.js';
import type { FolioSnapshot, Snapshot, ZoneSnapshot } from '../../model/api/index.js';
import { shortMt } from './compact.js';
import { maybeDmaPinned, showRange } from './ranges.js';
import { formatNodeOps } from './state-diff.js';

export interface MemoryMapInput {
  readonly snapshot: Snapshot;
  readonly pageblockOrder: number;
  readonly title: string;
  /** a second line under the title */
  readonly subtitle?: string;
  /** pfns to outline in red (the failing step's result) */
  readonly highlight?: readonly number[];
}

const CELL = 12;
const PITCH = CELL + 1;
const PER_LINE = 64;
const LEFT = 230;
const MAX_CELLS_PER_ZONE = 512;
const MAX_ZONES = 64;
const MAX_OUTLINED_BLOCKS = 4000;

const FREE_COLOURS: Readonly<Record<string, string>> = {
  MIGRATE_UNMOVABLE: '#e57373',
  MIGRATE_MOVABLE: '#81c784',
  MIGRATE_RECLAIMABLE: '#ffb74d',
  MIGRATE_HIGHATOMIC: '#ba68c8',
  MIGRATE_CMA: '#64b5f6',
  MIGRATE_ISOLATE: '#fff176',
};
/** the pageblock-type strip: darker shades, so a free block on a list of another type stands out */
const PAGEBLOCK_COLOURS: Readonly<Record<string, string>> = {
  MIGRATE_UNMOVABLE: '#c62828',
  MIGRATE_MOVABLE: '#2e7d32',
  MIGRATE_RECLAIMABLE: '#ef6c00',
  MIGRATE_HIGHATOMIC: '#6a1b9a',
  MIGRATE_CMA: '#1565c0',
  MIGRATE_ISOLATE: '#f9a825',
};
const ALLOCATED = '#455a64';
const USER = '#8d6e63';
const PINNED = '#c2185b';
const OFFLINE = '#bdbdbd';
const ABSENT = '#ffffff';
const HIGHLIGHT = '#d50000';
const PRIVATE_FRAME = '#6a1b9a';
const MAX_OFFLINE_BANDS = 16;
/**
 * category index: 0..5 free on that migratetype's list, then a kernel (or unmapped) folio, a
 * user-mapped folio, a maybe-DMA-pinned folio, and offline
 */
const ALLOC_CAT = MIGRATETYPE_NAMES.length;
const USER_CAT = ALLOC_CAT + 1;
const PINNED_CAT = ALLOC_CAT + 2;
const OFFLINE_CAT = ALLOC_CAT + 3;
const NCAT = OFFLINE_CAT + 1;
/** categories that count as allocated (the dark bar of a many-page cell) */
const isFolioCat = (k: number) => k === ALLOC_CAT || k === USER_CAT || k === PINNED_CAT;
const CAT_FILL: Readonly<Record<number, string>> = { [ALLOC_CAT]: ALLOCATED, [USER_CAT]: USER, [PINNED_CAT]: PINNED, [OFFLINE_CAT]: OFFLINE };
const CAT_LABEL: Readonly<Record<number, string>> = {
  [ALLOC_CAT]: 'kernel or unmapped folio',
  [USER_CAT]: 'user-mapped folio',
  [PINNED_CAT]: 'maybe DMA-pinned folio',
  [OFFLINE_CAT]: 'offline',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Block {
  readonly pfn: number;
  readonly pages: number;
  readonly cat: number;
  /** what a one-page cell's tooltip says about it */
  readonly detail?: string;
}

/** The category of a folio: pinned wins over user-mapped, which wins over kernel. */
export function folioCategory(f: FolioSnapshot): 'pinned' | 'user' | 'kernel' {
  if (f.pincount > 0 || maybeDmaPinned(f)) return 'pinned';
  return f.mapped > 0 ? 'user' : 'kernel';
}

function folioBlock(f: FolioSnapshot): Block {
  const kind = folioCategory(f);
  const cat = kind === 'pinned' ? PINNED_CAT : kind === 'user' ? USER_CAT : ALLOC_CAT;
  const counts = `refcount ${f.refcount}${f.pincount !== 0 ? `, pincount ${f.pincount}` : ''}, mapped ${f.mapped}`;
  return { pfn: f.pfn, pages: 2 ** f.order, cat, detail: `${CAT_LABEL[cat]} pfn ${f.pfn} o${f.order} (${counts})` };
}

/** Free blocks of the zone, its folios, and the offline pages inside [start, end). */
function zoneBlocks(s: Snapshot, z: ZoneSnapshot, start: number, end: number): Block[] {
  const out: Block[] = [];
  z.freeLists.forEach((byOrder, mt) => byOrder.forEach((pfns, order) => {
    for (const pfn of pfns) out.push({ pfn, pages: 2 ** order, cat: mt });
  }));
  for (const f of s.folios) if (f.nid === z.nid && f.zone === z.zone) out.push(folioBlock(f));
  out.push(...offlineBlocks(s, start, end));
  return out;
}

function offlineBlocks(s: Snapshot, start: number, end: number): Block[] {
  const out: Block[] = [];
  for (const r of s.offline) {
    const a = Math.max(start, r.pfn);
    const b = Math.min(end, r.pfn + r.nrPages);
    if (a < b) out.push({ pfn: a, pages: b - a, cat: OFFLINE_CAT, detail: `offline (range ${showRange(r.pfn, r.pfn + r.nrPages)})` });
  }
  return out;
}

/** `3 allocated, 509 free MOVABLE` for a cell of many pages. */
function cellSummary(counts: Float64Array, c: number): string {
  const parts: string[] = [];
  for (const k of [PINNED_CAT, USER_CAT, ALLOC_CAT]) {
    const n = counts[c * NCAT + k] ?? 0;
    if (n > 0) parts.push(`${n} in ${CAT_LABEL[k]}s`);
  }
  MIGRATETYPE_NAMES.forEach((mt, k) => {
    const n = counts[c * NCAT + k] ?? 0;
    if (n > 0) parts.push(`${n} free ${shortMt(mt)}`);
  });
  const off = counts[c * NCAT + OFFLINE_CAT] ?? 0;
  if (off > 0) parts.push(`${off} offline`);
  return parts.join(', ');
}

/** Pages per cell: the smallest power of two that keeps every band (zone or offline range) within MAX_CELLS_PER_ZONE cells. */
export function pagesPerCell(s: Snapshot): number {
  let largest = 1;
  for (const z of s.zones) largest = Math.max(largest, z.spannedPages);
  for (const r of s.offline) largest = Math.max(largest, r.nrPages);
  let unit = 1;
  while (largest / unit > MAX_CELLS_PER_ZONE) unit *= 2;
  return unit;
}

export function renderMemoryMap(input: MemoryMapInput): string {
  const { snapshot: s, pageblockOrder } = input;
  const unit = pagesPerCell(s);
  const pbPages = 2 ** pageblockOrder;
  const pbType = new Map(s.pageblocks.map((pb) => [pb.pfn, pb.migratetype]));
  const highlight = new Set(input.highlight ?? []);
  const body: string[] = [];
  let y = input.subtitle ? 58 : 42;

  /**
   * One band: label lines on the left, the cells of [from, to) on the right; `framed`: a private
   * node's zone, drawn inside a dashed frame.
   */
  const band = (labels: readonly string[], from: number, to: number, blocks: readonly Block[], framed = false) => {
    const start = from - (from % unit);
    const cells = Math.max(1, Math.ceil((to - start) / unit));
    const lines = Math.ceil(cells / PER_LINE);
    const xy = (c: number) => ({ x: LEFT + (c % PER_LINE) * PITCH, y: y + Math.floor(c / PER_LINE) * (PITCH + 4) });
    const cellOf = (pfn: number) => Math.floor((pfn - start) / unit);

    labels.forEach((text, k) => body.push(`<text x="8" y="${y + 10 + k * 13.5}" class="${k === 0 ? 'zone' : 'small'}">${esc(text)}</text>`));
    for (let l = 0; l < lines; l++) {
      body.push(`<text x="${LEFT - 4}" y="${y + l * (PITCH + 4) + 10}" class="pfn" text-anchor="end">${start + l * PER_LINE * unit}</text>`);
    }

    const counts = new Float64Array(cells * NCAT);
    /** for one-page cells: the block covering the page */
    const single = unit === 1 ? new Map<number, Block>() : undefined;
    for (const b of blocks) {
      for (let pfn = Math.max(b.pfn, start); pfn < b.pfn + b.pages; ) {
        const c = cellOf(pfn);
        if (c >= cells) break;
        const cellEnd = start + (c + 1) * unit;
        const n = Math.min(cellEnd, b.pfn + b.pages) - pfn;
        counts[c * NCAT + b.cat] = (counts[c * NCAT + b.cat] ?? 0) + n;
        single?.set(c, b);
        pfn += n;
      }
    }
    for (let c = 0; c < cells; c++) {
      const { x, y: cy } = xy(c);
      let best = -1;
      let bestN = 0;
      let total = 0;
      for (let k = 0; k < NCAT; k++) {
        const n = counts[c * NCAT + k] ?? 0;
        total += n;
        if (n > bestN) {
          best = k;
          bestN = n;
        }
      }
      const mt = MIGRATETYPE_NAMES[best];
      const fill = best < 0 || total * 2 < unit ? ABSENT : CAT_FILL[best] ?? FREE_COLOURS[mt ?? ''] ?? ABSENT;
      // in a cell of many pages, allocated pages show as a dark bar from the top, however few
      let allocated = 0;
      for (let k = 0; k < NCAT; k++) if (isFolioCat(k)) allocated += counts[c * NCAT + k] ?? 0;
      const pinned = counts[c * NCAT + PINNED_CAT] ?? 0;
      const allocBar = !isFolioCat(best) && allocated > 0 ? Math.max(2, Math.round(((CELL - 3) * allocated) / unit)) : 0;
      const first = start + c * unit;
      const pb = pbType.get(first - (first % pbPages));
      const block = single?.get(c);
      const what =
        best < 0 ? 'not present'
        : unit > 1 ? cellSummary(counts, c)
        : block?.detail ?? `free ${shortMt(mt ?? '')}`;
      const span = unit === 1 ? `pfn ${first}` : `pfn ${first}–${first + unit - 1}`;
      body.push(
        `<rect x="${x}" y="${cy}" width="${CELL}" height="${CELL}" fill="${fill}" class="cell"><title>${esc(`${span}: ${what}${pb ? `, pageblock ${shortMt(pb)}` : ''}`)}</title></rect>`,
      );
      if (allocBar > 0) body.push(`<rect x="${x}" y="${cy}" width="${CELL}" height="${allocBar}" fill="${pinned > 0 ? PINNED : ALLOCATED}"/>`);
      if (pb) body.push(`<rect x="${x}" y="${cy + CELL - 3}" width="${CELL}" height="3" fill="${PAGEBLOCK_COLOURS[pb] ?? ABSENT}" class="pb"/>`);
      if (unit < pbPages && first % pbPages === 0) {
        body.push(`<line x1="${x - 0.5}" y1="${cy - 2}" x2="${x - 0.5}" y2="${cy + CELL + 2}" class="pbline"/>`);
      }
    }

    // outlines: free blocks and folios at least a cell wide (pinned folios in their own colour);
    // then the highlighted pfns
    const outline = (pfn: number, pages: number, cls: string) => {
      const c0 = Math.max(0, cellOf(pfn));
      const c1 = Math.min(cells - 1, cellOf(pfn + pages - 1));
      for (let c = c0; c <= c1; ) {
        const lineEnd = Math.min(c1, (Math.floor(c / PER_LINE) + 1) * PER_LINE - 1);
        const a = xy(c);
        const w = (lineEnd - c + 1) * PITCH - 1;
        body.push(`<rect x="${a.x}" y="${a.y}" width="${w}" height="${CELL}" class="${cls}"/>`);
        c = lineEnd + 1;
      }
    };
    if (blocks.length <= MAX_OUTLINED_BLOCKS) {
      for (const b of blocks) if (b.pages >= unit && b.cat !== OFFLINE_CAT) outline(b.pfn, b.pages, b.cat === PINNED_CAT ? 'pin' : 'block');
    }
    for (const pfn of highlight) {
      if (pfn < from || pfn >= to) continue;
      const b = blocks.find((x) => x.pfn === pfn);
      outline(pfn, b ? b.pages : 1, 'hl');
    }
    const height = Math.max(lines * (PITCH + 4), 13.5 * labels.length + 2);
    if (framed) {
      const w = LEFT + Math.min(cells, PER_LINE) * PITCH + 2;
      body.push(`<rect x="3" y="${y - 4}" width="${w}" height="${height + 4}" class="private"><title>${esc(`${labels[0] ?? ''}: a zone of an N_MEMORY_PRIVATE node`)}</title></rect>`);
    }
    y += height + 14;
  };

  const zones = s.zones.slice(0, MAX_ZONES);
  const privateOps = new Map((s.privateNodes ?? []).map((p) => [p.nid, p.ops]));
  let anyPrivate = false;
  for (const z of zones) {
    const from = z.startPfn;
    const to = z.startPfn + z.spannedPages;
    const isPrivate = privateOps.has(z.nid);
    anyPrivate ||= isPrivate;
    const labels = [`node ${z.nid} ${z.zone}${isPrivate ? ' (private)' : ''}`, z.spannedPages === 0 ? 'empty (no present pages)' : `pfn ${showRange(from, to)}`];
    labels.push(`free ${z.nrFreePages} of ${z.managedPages} pages`);
    if (z.presentPages !== z.spannedPages) labels.push(`present ${z.presentPages} of ${z.spannedPages} spanned`);
    if (isPrivate) labels.push(`ops ${formatNodeOps(privateOps.get(z.nid) ?? null)}`);
    band(labels, from, to, zoneBlocks(s, z, from, to), isPrivate);
  }
  if (s.zones.length > MAX_ZONES) {
    body.push(`<text x="8" y="${y + 10}" class="small">… ${s.zones.length - MAX_ZONES} more zones not drawn</text>`);
    y += 24;
  }

  // offline ranges that no zone span covers (a zone's span shrinks when its ends go offline)
  const spans = zones.filter((z) => z.spannedPages > 0).map((z) => ({ start: z.startPfn, end: z.startPfn + z.spannedPages }));
  const outside = s.offline.filter((r) => !spans.some((sp) => r.pfn >= sp.start && r.pfn + r.nrPages <= sp.end));
  for (const r of outside.slice(0, MAX_OFFLINE_BANDS)) {
    const range = showRange(r.pfn, r.pfn + r.nrPages);
    band(['offline', `pfn ${range}`, `${r.nrPages} pages`], r.pfn, r.pfn + r.nrPages, offlineBlocks(s, r.pfn, r.pfn + r.nrPages));
  }
  if (outside.length > MAX_OFFLINE_BANDS) {
    body.push(`<text x="8" y="${y + 10}" class="small">… ${outside.length - MAX_OFFLINE_BANDS} more offline ranges not drawn</text>`);
    y += 24;
  }

  // legend
  y += 6;
  const legend: [string, string][] = [
    ...MIGRATETYPE_NAMES.map((mt): [string, string] => [FREE_COLOURS[mt] ?? ABSENT, `free ${shortMt(mt)}`]),
    [ALLOCATED, CAT_LABEL[ALLOC_CAT] ?? ''],
    [USER, CAT_LABEL[USER_CAT] ?? ''],
    [PINNED, `${CAT_LABEL[PINNED_CAT] ?? ''}`],
    [OFFLINE, 'offline'],
    [ABSENT, 'not present'],
  ];
  legend.forEach(([colour, label], k) => {
    const x = 8 + (k % 4) * 200;
    const ly = y + Math.floor(k / 4) * 18;
    body.push(`<rect x="${x}" y="${ly}" width="${CELL}" height="${CELL}" fill="${colour}" class="cell"/>`);
    body.push(`<text x="${x + CELL + 6}" y="${ly + 10}" class="small">${esc(label)}</text>`);
  });
  y += Math.ceil(legend.length / 4) * 18 + 4;
  const notes = [
    `1 cell = ${unit === 1 ? '1 page' : `${unit} pages (coloured by the majority; a bar on top: some allocated, pink if pinned)`}; pageblock = ${pbPages} pages${unit < pbPages ? ' (dark ticks mark pageblock starts)' : ''}`,
    'strip under a cell: the pageblock type; outlines: free blocks and folios (pink: maybe DMA-pinned)',
    'maybe DMA-pinned = folio_maybe_dma_pinned(): _pincount > 0 (large), _refcount >= 1024 (small, false positives included)',
  ];
  if (anyPrivate) notes.push('dashed purple frame: a zone of a private node (N_MEMORY_PRIVATE); its label lists the node\'s NP_OPS flags and callbacks');
  if (highlight.size > 0) notes.push(`red outline: pfn ${[...highlight].join(', ')} named by the failing step`);
  for (const n of notes) {
    body.push(`<text x="8" y="${y + 10}" class="small">${esc(n)}</text>`);
    y += 16;
  }

  const width = LEFT + PER_LINE * PITCH + 12;
  const height = y + 8;
  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace">`,
    '<style>.zone{font-size:12px;font-weight:bold}.small{font-size:10px}.pfn{font-size:9px;fill:#555}' +
      '.cell{stroke:#bbb;stroke-width:0.5}.pbline{stroke:#000;stroke-width:1.5}' +
      `.block{fill:none;stroke:#222;stroke-width:1}.pin{fill:none;stroke:${PINNED};stroke-width:2}` +
      `.hl{fill:none;stroke:${HIGHLIGHT};stroke-width:2.5}.private{fill:none;stroke:${PRIVATE_FRAME};stroke-width:1.5;stroke-dasharray:5 3}</style>`,
    `<rect width="${width}" height="${height}" fill="#fafafa"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${esc(input.title)}</text>`,
  ];
  if (input.subtitle) head.push(`<text x="8" y="38" class="small">${esc(input.subtitle)}</text>`);
  return [...head, ...body, '</svg>', ''].join('\n');
}
