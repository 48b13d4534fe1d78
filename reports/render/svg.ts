// The SVG memory map of a state: one band per zone, one cell per page (or per power-of-two group of
// pages when a zone is large), filled by what the page is (free on a list of some migratetype, or
// allocated), with the pageblock type as a strip under each cell, pageblock boundaries marked, free
// blocks and folios outlined, and the pfns named by the failing step highlighted.
import { MIGRATETYPE_NAMES } from '../../model/api/index.js';
import type { Snapshot, ZoneSnapshot } from '../../model/api/index.js';
import { shortMt } from './compact.js';

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
const ABSENT = '#ffffff';
const HIGHLIGHT = '#d50000';
/** category index: 0..5 free on that migratetype's list, 6 allocated */
const NCAT = MIGRATETYPE_NAMES.length + 1;
const ALLOC_CAT = MIGRATETYPE_NAMES.length;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Block {
  readonly pfn: number;
  readonly pages: number;
  readonly cat: number;
}

function zoneBlocks(s: Snapshot, z: ZoneSnapshot): Block[] {
  const out: Block[] = [];
  z.freeLists.forEach((byOrder, mt) => byOrder.forEach((pfns, order) => {
    for (const pfn of pfns) out.push({ pfn, pages: 2 ** order, cat: mt });
  }));
  for (const f of s.folios) if (f.nid === z.nid && f.zone === z.zone) out.push({ pfn: f.pfn, pages: 2 ** f.order, cat: ALLOC_CAT });
  return out;
}

/** `3 allocated, 509 free MOVABLE` for a cell of many pages. */
function cellSummary(counts: Float64Array, c: number): string {
  const parts: string[] = [];
  const allocated = counts[c * NCAT + ALLOC_CAT] ?? 0;
  if (allocated > 0) parts.push(`${allocated} allocated`);
  MIGRATETYPE_NAMES.forEach((mt, k) => {
    const n = counts[c * NCAT + k] ?? 0;
    if (n > 0) parts.push(`${n} free ${shortMt(mt)}`);
  });
  return parts.join(', ');
}

/** Pages per cell: the smallest power of two that keeps every zone within MAX_CELLS_PER_ZONE cells. */
export function pagesPerCell(s: Snapshot): number {
  const largest = Math.max(1, ...s.zones.map((z) => z.spannedPages));
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

  const zones = s.zones.slice(0, MAX_ZONES);
  for (const z of zones) {
    const start = z.startPfn - (z.startPfn % unit);
    const cells = Math.max(1, Math.ceil((z.startPfn + z.spannedPages - start) / unit));
    const lines = Math.ceil(cells / PER_LINE);
    const xy = (c: number) => ({ x: LEFT + (c % PER_LINE) * PITCH, y: y + Math.floor(c / PER_LINE) * (PITCH + 4) });
    const cellOf = (pfn: number) => Math.floor((pfn - start) / unit);

    body.push(`<text x="8" y="${y + 10}" class="zone">node ${z.nid} ${z.zone}</text>`);
    body.push(`<text x="8" y="${y + 24}" class="small">pfn [${z.startPfn}, ${z.startPfn + z.spannedPages})</text>`);
    body.push(`<text x="8" y="${y + 37}" class="small">free ${z.nrFreePages} of ${z.managedPages} pages</text>`);
    for (let l = 0; l < lines; l++) {
      body.push(`<text x="${LEFT - 4}" y="${y + l * (PITCH + 4) + 10}" class="pfn" text-anchor="end">${start + l * PER_LINE * unit}</text>`);
    }

    const counts = new Float64Array(cells * NCAT);
    const blocks = zoneBlocks(s, z);
    for (const b of blocks) {
      for (let pfn = b.pfn; pfn < b.pfn + b.pages; ) {
        const c = cellOf(pfn);
        const cellEnd = start + (c + 1) * unit;
        const n = Math.min(cellEnd, b.pfn + b.pages) - pfn;
        if (c >= 0 && c < cells) counts[c * NCAT + b.cat] = (counts[c * NCAT + b.cat] ?? 0) + n;
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
      const fill = best < 0 || total * 2 < unit ? ABSENT : best === ALLOC_CAT ? ALLOCATED : FREE_COLOURS[mt ?? ''] ?? ABSENT;
      // in a cell of many pages, allocated pages show as a dark bar from the top, however few
      const allocated = counts[c * NCAT + ALLOC_CAT] ?? 0;
      const allocBar = best !== ALLOC_CAT && allocated > 0 ? Math.max(2, Math.round(((CELL - 3) * allocated) / unit)) : 0;
      const first = start + c * unit;
      const pb = pbType.get(first - (first % pbPages));
      const what =
        best < 0 ? 'not in this zone'
        : unit > 1 ? cellSummary(counts, c)
        : best === ALLOC_CAT ? 'allocated'
        : `free ${shortMt(mt ?? '')}`;
      const span = unit === 1 ? `pfn ${first}` : `pfn ${first}–${first + unit - 1}`;
      body.push(
        `<rect x="${x}" y="${cy}" width="${CELL}" height="${CELL}" fill="${fill}" class="cell"><title>${span}: ${what}${pb ? `, pageblock ${shortMt(pb)}` : ''}</title></rect>`,
      );
      if (allocBar > 0) body.push(`<rect x="${x}" y="${cy}" width="${CELL}" height="${allocBar}" fill="${ALLOCATED}"/>`);
      if (pb) body.push(`<rect x="${x}" y="${cy + CELL - 3}" width="${CELL}" height="3" fill="${PAGEBLOCK_COLOURS[pb] ?? ABSENT}" class="pb"/>`);
      if (unit < pbPages && first % pbPages === 0) {
        body.push(`<line x1="${x - 0.5}" y1="${cy - 2}" x2="${x - 0.5}" y2="${cy + CELL + 2}" class="pbline"/>`);
      }
    }

    // outlines: free blocks and folios at least a cell wide; then the highlighted pfns
    const outline = (pfn: number, pages: number, cls: string) => {
      const c0 = cellOf(pfn);
      const c1 = cellOf(pfn + pages - 1);
      for (let c = c0; c <= c1; ) {
        const lineEnd = Math.min(c1, (Math.floor(c / PER_LINE) + 1) * PER_LINE - 1);
        const a = xy(c);
        const w = (lineEnd - c + 1) * PITCH - 1;
        body.push(`<rect x="${a.x}" y="${a.y}" width="${w}" height="${CELL}" class="${cls}"/>`);
        c = lineEnd + 1;
      }
    };
    if (blocks.length <= MAX_OUTLINED_BLOCKS) for (const b of blocks) if (b.pages >= unit) outline(b.pfn, b.pages, 'block');
    for (const pfn of highlight) {
      if (pfn < z.startPfn || pfn >= z.startPfn + z.spannedPages) continue;
      const b = blocks.find((x) => x.pfn === pfn);
      outline(pfn, b ? b.pages : 1, 'hl');
    }
    y += Math.max(lines * (PITCH + 4), 42) + 14;
  }
  if (s.zones.length > MAX_ZONES) {
    body.push(`<text x="8" y="${y + 10}" class="small">… ${s.zones.length - MAX_ZONES} more zones not drawn</text>`);
    y += 24;
  }

  // legend
  y += 6;
  const legend: [string, string][] = [
    ...MIGRATETYPE_NAMES.map((mt): [string, string] => [FREE_COLOURS[mt] ?? ABSENT, `free ${shortMt(mt)}`]),
    [ALLOCATED, 'allocated'],
    [ABSENT, 'not present'],
  ];
  legend.forEach(([colour, label], k) => {
    const x = 8 + (k % 4) * 170;
    const ly = y + Math.floor(k / 4) * 18;
    body.push(`<rect x="${x}" y="${ly}" width="${CELL}" height="${CELL}" fill="${colour}" class="cell"/>`);
    body.push(`<text x="${x + CELL + 6}" y="${ly + 10}" class="small">${esc(label)}</text>`);
  });
  y += Math.ceil(legend.length / 4) * 18 + 4;
  const notes = [
    `1 cell = ${unit === 1 ? '1 page' : `${unit} pages (coloured by the majority; a dark bar on top: some allocated)`}; pageblock = ${pbPages} pages${unit < pbPages ? ' (dark ticks mark pageblock starts)' : ''}`,
    'strip under a cell: the pageblock type; outlines: free blocks and folios',
  ];
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
      `.block{fill:none;stroke:#222;stroke-width:1}.hl{fill:none;stroke:${HIGHLIGHT};stroke-width:2.5}</style>`,
    `<rect width="${width}" height="${height}" fill="#fafafa"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${esc(input.title)}</text>`,
  ];
  if (input.subtitle) head.push(`<text x="8" y="38" class="small">${esc(input.subtitle)}</text>`);
  return [...head, ...body, '</svg>', ''].join('\n');
}
