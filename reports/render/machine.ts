// A machine described in a few lines (step tables, Markdown reports).
import { ZONE_NAMES } from '../../model/api/index.js';
import type { MachineConfig, PrivateNodeConfig } from '../../model/api/index.js';

const range = (start: number, nr: number) => `[${start}, ${start + nr})`;

/** `maxOrder 3, pageblockOrder 1 (2 pages), 96 pages, 2 nodes` (`, 1 private` when some are). */
export function machineHeadline(m: MachineConfig): string {
  let pages = 0;
  for (const n of m.nodes) for (const r of Object.values(n.zones)) pages += r[1];
  const nodes = m.nodes.length === 1 ? '1 node' : `${m.nodes.length} nodes`;
  const priv = m.nodes.filter((n) => n.private).length;
  return `maxOrder ${m.maxOrder}, pageblockOrder ${m.pageblockOrder} (${m.pageblockOrder === 0 ? '1 page' : `${2 ** m.pageblockOrder} pages`}), ${pages} pages, ${nodes}${priv > 0 ? ` (${priv} private)` : ''}`;
}

/**
 * A private node's boot-time ops: `flags NP_OPS_MIGRATION|NP_OPS_MEMPOLICY; callbacks migrate_to, folio_migrate`
 * (`flags 0`, `no callbacks` when empty).
 */
export function formatPrivateOps(ops: Pick<PrivateNodeConfig, 'flags' | 'callbacks'>): string {
  const flags = ops.flags.length === 0 ? 'flags 0' : `flags ${ops.flags.join('|')}`;
  const callbacks = ops.callbacks.length === 0 ? 'no callbacks' : `callbacks ${ops.callbacks.join(', ')}`;
  return `${flags}; ${callbacks}`;
}

export interface ZoneRow {
  readonly nid: number;
  readonly zone: string;
  readonly range: string;
  readonly pages: number;
  readonly cma: string;
  /** '' for a normal node; `private: flags …; callbacks …` for an N_MEMORY_PRIVATE one */
  readonly private: string;
}

/** One row per configured zone, in node order then zone index order; CMA areas carry their `cma_alloc` number (`#0 [16, 24)`). */
export function zoneRows(m: MachineConfig): ZoneRow[] {
  const rows: ZoneRow[] = [];
  let area = 0;
  for (const n of m.nodes) {
    const areas = (n.cma ?? []).map(([s, c]) => ({ id: area++, s, c }));
    const priv = n.private ? `private: ${formatPrivateOps(n.private)}` : '';
    const zones = ZONE_NAMES.filter((z) => n.zones[z]);
    if (zones.length === 0) rows.push({ nid: n.nid, zone: '(memoryless)', range: '', pages: 0, cma: '', private: priv });
    for (const zone of zones) {
      const [start, nr] = n.zones[zone] as readonly [number, number];
      const cma = areas.filter(({ s }) => s >= start && s < start + nr).map(({ id, s, c }) => `#${id} ${range(s, c)}`);
      rows.push({ nid: n.nid, zone, range: range(start, nr), pages: nr, cma: cma.join(' '), private: priv });
    }
  }
  return rows;
}

/**
 * Plain-text lines: headline, one line per zone (a private node's zones marked `private`, then
 * one line with its ops), distances and tasks when given.
 */
export function describeMachine(m: MachineConfig): string[] {
  const lines = [machineHeadline(m)];
  const rows = zoneRows(m);
  rows.forEach((r, k) => {
    const extra = [r.cma ? `CMA ${r.cma}` : '', r.private ? 'private' : ''].filter((s) => s !== '').join('; ');
    lines.push(`  node ${r.nid} ${r.zone} ${r.range}${extra ? `  ${extra}` : ''}`);
    const lastOfNode = rows[k + 1]?.nid !== r.nid;
    if (r.private && lastOfNode) lines.push(`  node ${r.nid} is N_MEMORY_PRIVATE, ops: ${r.private.replace(/^private: /, '')}`);
  });
  if (m.distance) lines.push(`  distance ${m.distance.map((row) => row.join(' ')).join(' / ')}`);
  if (m.tasks) {
    const tasks = m.tasks.map((t) => `tid ${t.tid} on node ${t.nid}${t.mems ? ` mems ${t.mems.join(',')}` : ''}`);
    lines.push(`  tasks: ${tasks.join('; ')}`);
  }
  return lines;
}
