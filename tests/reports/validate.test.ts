// Trace and machine validation: every rule rejects with the JSON path and message a user sees
// (`mmcheck: <path>: <message>`).
import { describe, expect, test } from 'vitest';
import { formatTrace, parseTrace, validateMachine, validateTrace } from '../../reports/trace/index.js';

type Json = Record<string, unknown>;

/** A valid document; each test breaks one thing. */
function base(): Json {
  return {
    format: 'mmcheck/trace@1',
    profile: 'linux-6.12',
    machine: {
      maxOrder: 3,
      pageblockOrder: 1,
      nodes: [
        { nid: 0, zones: { ZONE_NORMAL: [0, 32], ZONE_MOVABLE: [32, 32] }, cma: [[16, 8]] },
        { nid: 1, zones: { ZONE_NORMAL: [64, 32] } },
      ],
      distance: [
        [10, 20],
        [20, 10],
      ],
      tasks: [{ tid: 1, nid: 0, mems: [0, 1] }],
    },
    ops: [
      { op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_THISNODE'], order: 0, nid: 1, nodemask: [0, 1], task: 1 },
      { op: 'get_page', page: 'k1', times: 3 },
      { op: 'query', page: 'g1' },
      { op: 'put_page', ref: 'g1' },
      { op: 'free_pages', page: 'k1' },
    ],
    meta: { expect: 'buddy/counters', seed: 42, path: '0:1', note: 'n' },
  };
}

/** Apply `edit` to a fresh base document and validate it. */
function check(edit: (d: any) => void): string {
  const d = base();
  edit(d);
  const r = validateTrace(d);
  return r.ok ? 'ok' : `${r.path}: ${r.message}`;
}

test('the base document is valid and comes back field for field', () => {
  const r = validateTrace(base());
  expect(r.ok).toBe(true);
  if (r.ok) expect(r.trace).toEqual(base());
});

test('profile defaults to linux-6.12; tasks and distance stay absent when not given', () => {
  const d = base();
  delete d.profile;
  const m = d.machine as Json;
  delete m.tasks;
  delete m.distance;
  (d.ops as Json[]).splice(0, 1, { op: 'alloc_pages', gfp: [], order: 0 });
  const r = validateTrace(d);
  expect(r.ok && r.trace.profile).toBe('linux-6.12');
  expect(r.ok && 'tasks' in r.trace.machine).toBe(false);
});

describe('JSON text', () => {
  test('malformed JSON names (root) with line and column', () => {
    const r = parseTrace('{\n  "format": "mmcheck/trace@1",\n  "machine": }');
    expect(r).toEqual({ ok: false, path: '(root)', message: `invalid JSON at line 3, column 14 (offset 46): unexpected "}", expected a value` });
  });
  test('truncated input', () => {
    const r = parseTrace('{"ops": [1, 2');
    expect(r.ok || r.message).toBe("invalid JSON at line 1, column 14 (offset 13): unexpected end of input, expected ',' or ']'");
  });
  test('a duplicated key is an error at its path', () => {
    const r = parseTrace('{"format": "mmcheck/trace@1", "machine": {"maxOrder": 3, "maxOrder": 4}}');
    expect(r.ok || `${r.path}: ${r.message}`).toBe('machine.maxOrder: duplicate key');
  });
  test('parseTrace and formatTrace round-trip', () => {
    const r = validateTrace(base());
    if (!r.ok) throw new Error(r.message);
    const again = parseTrace(formatTrace(r.trace));
    expect(again.ok && again.trace).toEqual(r.trace);
  });
  test('a __proto__ key is just an unknown key', () => {
    const r = parseTrace('{"__proto__": {"x": 1}}');
    expect(r.ok || r.path).toBe('__proto__');
  });
});

describe('document', () => {
  test('root must be an object', () => {
    expect(parseTrace('[]').ok || (parseTrace('[]') as any).message).toBe('expected a trace object, got an array');
  });
  test('format', () => {
    expect(check((d) => (d.format = 'mmcheck/trace@2'))).toBe('format: expected "mmcheck/trace@1", got "mmcheck/trace@2"');
    expect(check((d) => delete d.format)).toBe('format: required field is missing');
  });
  test('unknown top-level key', () => {
    expect(check((d) => (d.extra = 1))).toBe("extra: unknown key 'extra' in a trace object (expected format, profile, machine, ops, meta)");
  });
  test('profile', () => {
    expect(check((d) => (d.profile = 'linux-2.4'))).toBe("profile: unknown profile 'linux-2.4' (known: linux-6.12, private-nodes-v4, private-nodes-v3, private-nodes-zone-pin, linux-5.6, linux-5.7, linux-5.10, tatashin-v3, isolate-merge)");
    expect(check((d) => (d.profile = 6))).toBe('profile: expected a string, got 6');
  });
  test('machine and ops are required', () => {
    expect(check((d) => delete d.machine)).toBe('machine: required field is missing');
    expect(check((d) => delete d.ops)).toBe('ops: required field is missing');
  });
  test('meta', () => {
    expect(check((d) => (d.meta.seed = 1.5))).toBe('meta.seed: expected an integer, got 1.5');
    expect(check((d) => (d.meta.expect = 3))).toBe('meta.expect: expected a string, got 3');
    expect(check((d) => (d.meta.by = 'me'))).toBe("meta.by: unknown key 'by' in a meta object (expected expect, seed, path, note)");
  });
});

describe('machine', () => {
  test('maxOrder is an integer in 0..12', () => {
    expect(check((d) => (d.machine.maxOrder = 13))).toBe('machine.maxOrder: expected an integer in 0..12, got 13');
    expect(check((d) => (d.machine.maxOrder = 2.5))).toBe('machine.maxOrder: expected an integer in 0..12, got 2.5');
    expect(check((d) => (d.machine.maxOrder = '3'))).toBe('machine.maxOrder: expected an integer in 0..12, got "3"');
  });
  test('pageblockOrder is at most maxOrder', () => {
    expect(check((d) => (d.machine.pageblockOrder = 4))).toBe('machine.pageblockOrder: expected an integer in 0..3, got 4');
  });
  test('unknown machine key', () => {
    expect(check((d) => (d.machine.zones = {}))).toBe(
      "machine.zones: unknown key 'zones' in a machine object (expected maxOrder, pageblockOrder, nodes, distance, tasks)",
    );
  });
  test('nodes is a non-empty array', () => {
    expect(check((d) => (d.machine.nodes = []))).toBe('machine.nodes: expected a non-empty array of nodes, got an empty array');
    expect(check((d) => (d.machine.nodes = {}))).toBe('machine.nodes: expected a non-empty array of nodes, got an object');
  });
  test('nid: an integer in 0..1023, unique', () => {
    expect(check((d) => (d.machine.nodes[1].nid = 1024))).toBe('machine.nodes[1].nid: expected an integer in 0..1023, got 1024');
    expect(check((d) => (d.machine.nodes[1].nid = 0))).toBe('machine.nodes[1].nid: duplicate nid 0 (also nodes[0])');
  });
  test('zones: keys are zone names', () => {
    expect(check((d) => (d.machine.nodes[1].zones = { ZONE_HIGHMEM: [64, 32] }))).toBe(
      "machine.nodes[1].zones.ZONE_HIGHMEM: unknown key 'ZONE_HIGHMEM' in a zones object (expected ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE)",
    );
  });
  test('a memoryless node (no zones) is valid', () => {
    expect(check((d) => (d.machine.nodes[1].zones = {}))).toBe('ok');
  });
  test('zone range shape', () => {
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [64]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL: expected [startPfn, nrPages], got an array',
    );
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [-2, 32]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL[0]: expected a non-negative integer, got -2',
    );
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [64, 0]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL[1]: expected an integer >= 1, got 0',
    );
  });
  test('zone ranges are pageblock-aligned', () => {
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [65, 32]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL[0]: 65 is not pageblock-aligned (pageblockOrder 1: a multiple of 2)',
    );
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [64, 31]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL[1]: 31 is not pageblock-aligned (pageblockOrder 1: a multiple of 2)',
    );
  });
  test('zones do not overlap, across nodes', () => {
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [48, 32]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL: overlaps node 0 ZONE_MOVABLE [32, 64)',
    );
  });
  test('zones do not overlap, within a node', () => {
    expect(check((d) => (d.machine.nodes[0].zones.ZONE_MOVABLE = [30, 4]))).toBe(
      'machine.nodes[0].zones.ZONE_MOVABLE: overlaps node 0 ZONE_NORMAL [0, 32)',
    );
  });
  test('zones end at or below pfn 2^31', () => {
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [2 ** 31 - 2, 4]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL: ends at pfn 2147483650, beyond 2^31',
    );
  });
  test('at most 2^26 pages in all', () => {
    expect(check((d) => (d.machine.nodes[1].zones.ZONE_NORMAL = [128, 2 ** 26]))).toBe(
      'machine.nodes[1].zones.ZONE_NORMAL: the machine would have 67108928 pages, more than 2^26 (67108864)',
    );
  });
  test('cma: pageblock-aligned ranges', () => {
    expect(check((d) => (d.machine.nodes[0].cma = [[17, 8]]))).toBe(
      'machine.nodes[0].cma[0][0]: 17 is not pageblock-aligned (pageblockOrder 1: a multiple of 2)',
    );
    expect(check((d) => (d.machine.nodes[0].cma = [[16, 0]]))).toBe('machine.nodes[0].cma[0][1]: expected an integer >= 1, got 0');
    expect(check((d) => (d.machine.nodes[0].cma = 3))).toBe('machine.nodes[0].cma: expected an array of [startPfn, nrPages] CMA areas, got 3');
  });
  test('cma: inside one zone of the same node', () => {
    expect(check((d) => (d.machine.nodes[0].cma = [[28, 8]]))).toBe('machine.nodes[0].cma[0]: [28, 36) is not inside one zone of node 0');
    expect(check((d) => (d.machine.nodes[0].cma = [[64, 8]]))).toBe('machine.nodes[0].cma[0]: [64, 72) is not inside one zone of node 0');
  });
  test('cma: areas are disjoint', () => {
    expect(check((d) => (d.machine.nodes[0].cma = [[16, 8], [20, 8]]))).toBe('machine.nodes[0].cma[1]: overlaps cma[0] [16, 24)');
  });
  test('distance: n rows of n entries', () => {
    expect(check((d) => (d.machine.distance = [[10, 20]]))).toBe('machine.distance: expected 2 rows (one per node), got 1');
    expect(check((d) => (d.machine.distance[1] = [20]))).toBe('machine.distance[1]: expected 2 distances (one per node), got 1');
  });
  test('distance: diagonal 10, off-diagonal 11..254', () => {
    expect(check((d) => (d.machine.distance[1][1] = 20))).toBe('machine.distance[1][1]: expected the local distance 10, got 20');
    expect(check((d) => (d.machine.distance[0][1] = 10))).toBe('machine.distance[0][1]: expected an integer in 11..254, got 10');
    expect(check((d) => (d.machine.distance[0][1] = 255))).toBe('machine.distance[0][1]: expected an integer in 11..254, got 255');
  });
  test('tasks: non-empty, positive unique tids', () => {
    expect(check((d) => (d.machine.tasks = []))).toBe('machine.tasks: expected a non-empty array of tasks, got an empty array');
    expect(check((d) => (d.machine.tasks[0].tid = 0))).toBe('machine.tasks[0].tid: expected an integer >= 1, got 0');
    expect(check((d) => d.machine.tasks.push({ tid: 1, nid: 1 }))).toBe('machine.tasks[1].tid: duplicate tid 1 (also tasks[0])');
  });
  test('tasks: home node and mems exist, mems non-empty without duplicates', () => {
    expect(check((d) => (d.machine.tasks[0].nid = 5))).toBe('machine.tasks[0].nid: no node with nid 5 (nodes: 0, 1)');
    expect(check((d) => (d.machine.tasks[0].mems = []))).toBe('machine.tasks[0].mems: expected a non-empty array of nids, got an empty array');
    expect(check((d) => (d.machine.tasks[0].mems = [1, 1]))).toBe('machine.tasks[0].mems[1]: duplicate nid 1');
    expect(check((d) => (d.machine.tasks[0].mems = [2]))).toBe('machine.tasks[0].mems[0]: no node with nid 2 (nodes: 0, 1)');
  });
  test('private nodes are rejected under a profile that does not allow them', () => {
    expect(check((d) => (d.machine.nodes[1].private = { flags: [], callbacks: [] }))).toBe(
      'machine.nodes[1].private: profile linux-6.12 does not allow private nodes',
    );
  });
  test('validateMachine on its own: a fresh config, or the first broken rule', () => {
    const m = { maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_DMA32: [0, 8] } }] };
    expect(validateMachine(m, 'linux-6.12')).toEqual({ ok: true, machine: m });
    expect(validateMachine({ ...m, pageblockOrder: 3 }, 'linux-6.12')).toEqual({
      ok: false,
      path: 'machine.pageblockOrder',
      message: 'expected an integer in 0..2, got 3',
    });
  });
});

describe('ops', () => {
  test('ops is an array of op objects', () => {
    expect(check((d) => (d.ops = {}))).toBe('ops: expected an array of ops, got an object');
    expect(check((d) => (d.ops[1] = 'alloc'))).toBe('ops[1]: expected an op object, got "alloc"');
  });
  test('op name', () => {
    expect(check((d) => (d.ops[3] = { op: 'mmap2', task: 1, pages: 4 }))).toBe(
      "ops[3].op: unknown op 'mmap2' (expected alloc_pages, free_pages, get_page, put_page, query, mmap, touch, munmap, " +
        'get_user_pages, get_user_pages_fast, pin_user_pages, pin_user_pages_fast, unpin_user_pages, set_mempolicy, mbind, ' +
        'set_cpuset_mems, move_pages, online_pages, offline_pages, cma_alloc, cma_release, node_private_set_ops, ' +
        'node_private_clear_ops, read_sysfs)',
    );
    expect(check((d) => delete d.ops[0].op)).toBe('ops[0].op: required field is missing');
  });
  test('unknown field of an op', () => {
    expect(check((d) => (d.ops[4].times = 2))).toBe("ops[4].times: unknown key 'times' in free_pages (expected op, page)");
  });
  test('alloc_pages: gfp is a list of strings (names are checked at run time)', () => {
    expect(check((d) => (d.ops[0].gfp = ['GFP_KERNEL', 7]))).toBe('ops[0].gfp[1]: expected a string, got 7');
    expect(check((d) => (d.ops[0].gfp = 'GFP_KERNEL'))).toBe('ops[0].gfp: expected an array of strings, got "GFP_KERNEL"');
    expect(check((d) => (d.ops[0].gfp = ['__GFP_NOPE']))).toBe('ok');
  });
  test('alloc_pages: order is a non-negative integer (above maxOrder is a runtime -EINVAL)', () => {
    expect(check((d) => (d.ops[0].order = -1))).toBe('ops[0].order: expected a non-negative integer, got -1');
    expect(check((d) => delete d.ops[0].order)).toBe('ops[0].order: required field is missing');
    expect(check((d) => (d.ops[0].order = 11))).toBe('ok');
  });
  test('alloc_pages: nid, nodemask and task name existing nodes and tasks', () => {
    expect(check((d) => (d.ops[0].nid = 7))).toBe('ops[0].nid: no node with nid 7 (nodes: 0, 1)');
    expect(check((d) => (d.ops[0].nodemask = [1, 1]))).toBe('ops[0].nodemask[1]: duplicate nid 1');
    expect(check((d) => (d.ops[0].nodemask = [0, 3]))).toBe('ops[0].nodemask[1]: no node with nid 3 (nodes: 0, 1)');
    expect(check((d) => (d.ops[0].task = 2))).toBe('ops[0].task: no task with tid 2 (tasks: 1)');
  });
  test('alloc_pages: without machine.tasks the only task is tid 1', () => {
    expect(check((d) => {
      delete d.machine.tasks;
      d.ops[0].task = 2;
    })).toBe('ops[0].task: no task with tid 2 (tasks: 1)');
  });
  test('free_pages takes a k-handle', () => {
    expect(check((d) => (d.ops[4].page = 'g1'))).toBe('ops[4].page: expected a k-handle (k1, …), got "g1"');
    expect(check((d) => (d.ops[4].page = 'k0'))).toBe('ops[4].page: expected a k-handle (k1, …), got "k0"');
    expect(check((d) => (d.ops[4].page = 'k99'))).toBe('ok');
  });
  test('get_page takes a k- or g-handle and times in 1..2^31-1', () => {
    expect(check((d) => (d.ops[1].page = 'v1'))).toBe('ops[1].page: expected a handle like k1, g1, got "v1"');
    expect(check((d) => (d.ops[1].times = 0))).toBe('ops[1].times: expected an integer in 1..2147483647, got 0');
    expect(check((d) => (d.ops[1].times = 2147483648))).toBe('ops[1].times: expected an integer in 1..2147483647, got 2147483648');
    expect(check((d) => delete d.ops[1].times)).toBe('ok');
  });
  test('put_page takes a g-handle, query a k- or g-handle', () => {
    expect(check((d) => (d.ops[3].ref = 'k1'))).toBe('ops[3].ref: expected a g-handle (g1, …), got "k1"');
    expect(check((d) => (d.ops[2].page = 'g01'))).toBe('ops[2].page: expected a handle like k1, g1, got "g01"');
  });
});

describe('ops on user memory, GUP, mempolicy, hotplug and CMA', () => {
  /** One op of every new kind, each valid; each test breaks one. */
  function user(): Json {
    const d = base();
    d.ops = [
      { op: 'mmap', task: 1, pages: 8, folioOrder: 2 },
      { op: 'touch', vma: 'v1', index: 0, count: 4 },
      { op: 'get_page', vma: 'v1', index: 1, times: 2 },
      { op: 'query', vma: 'v1', index: 1 },
      { op: 'get_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_WRITE'] },
      { op: 'get_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
      { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 4, gup_flags: ['FOLL_LONGTERM'] },
      { op: 'pin_user_pages_fast', vma: 'v1', index: 4, nr: 0, gup_flags: ['FOLL_NOPE'] },
      { op: 'unpin_user_pages', pin: 'u1' },
      { op: 'put_page', ref: 'g2' },
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [0, 1] },
      { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_MOVE'] },
      { op: 'set_cpuset_mems', task: 1, nodes: [1] },
      { op: 'move_pages', vma: 'v1', index: 0, node: 0 },
      { op: 'online_pages', nid: 1, startPfn: 96, pages: 32, type: 'online_movable' },
      { op: 'offline_pages', startPfn: 32, pages: 16 },
      { op: 'cma_alloc', area: 0, count: 4 },
      { op: 'cma_release', cma: 'c1' },
      { op: 'munmap', vma: 'v1' },
    ];
    return d;
  }
  const at = (name: string) => (user().ops as Json[]).findIndex((o) => o.op === name);
  function checkUser(name: string, edit: (op: any, d: any) => void): string {
    const d = user();
    edit((d.ops as Json[])[at(name)], d);
    const r = validateTrace(d);
    return r.ok ? 'ok' : `${r.path}: ${r.message}`;
  }

  test('every new op kind is valid as written and comes back field for field', () => {
    const r = validateTrace(user());
    expect(r.ok || `${r.path}: ${r.message}`).toBe(true);
    if (r.ok) expect(r.trace.ops).toEqual(user().ops);
    const again = r.ok ? parseTrace(formatTrace(r.trace)) : r;
    expect(again.ok && again.trace).toEqual(r.ok && r.trace);
  });

  test('mmap: task exists, pages 0..2^20, folioOrder 0..12 (pages 0 is a runtime -EINVAL)', () => {
    expect(checkUser('mmap', (o) => (o.task = 2))).toBe('ops[0].task: no task with tid 2 (tasks: 1)');
    expect(checkUser('mmap', (o) => (o.pages = 2 ** 20 + 1))).toBe('ops[0].pages: expected an integer in 0..1048576, got 1048577');
    expect(checkUser('mmap', (o) => (o.pages = 0))).toBe('ok');
    expect(checkUser('mmap', (o) => (o.folioOrder = 13))).toBe('ops[0].folioOrder: expected an integer in 0..12, got 13');
    expect(checkUser('mmap', (o) => delete o.folioOrder)).toBe('ok');
    expect(checkUser('mmap', (o) => delete o.task)).toBe('ops[0].task: required field is missing');
  });
  test('touch: a v-handle, index >= 0, count 0..2^20', () => {
    expect(checkUser('touch', (o) => (o.vma = 'k1'))).toBe('ops[1].vma: expected a v-handle (v1, …), got "k1"');
    expect(checkUser('touch', (o) => (o.vma = 'v0'))).toBe('ops[1].vma: expected a v-handle (v1, …), got "v0"');
    expect(checkUser('touch', (o) => (o.index = -1))).toBe('ops[1].index: expected a non-negative integer, got -1');
    expect(checkUser('touch', (o) => (o.count = 2 ** 20 + 1))).toBe('ops[1].count: expected an integer in 0..1048576, got 1048577');
    expect(checkUser('touch', (o) => (o.count = 0))).toBe('ok');
    expect(checkUser('touch', (o) => (o.index = 1000))).toBe('ok');
  });
  test('munmap takes a v-handle', () => {
    expect(checkUser('munmap', (o) => (o.vma = 'u1'))).toBe('ops[18].vma: expected a v-handle (v1, …), got "u1"');
    expect(checkUser('munmap', (o) => (o.index = 0))).toBe("ops[18].index: unknown key 'index' in munmap (expected op, vma)");
  });
  test('get_page and query: exactly one of page, or vma and index', () => {
    expect(checkUser('get_page', (o) => (o.page = 'k1'))).toBe('ops[2].vma: not allowed with page (name the folio by page, or by vma and index)');
    expect(checkUser('get_page', (o) => {
      delete o.vma;
      o.page = 'k1';
    })).toBe('ops[2].index: not allowed with page (name the folio by page, or by vma and index)');
    expect(checkUser('get_page', (o) => delete o.index)).toBe('ops[2].index: required with vma (name the folio by page, or by vma and index)');
    expect(checkUser('get_page', (o) => delete o.vma)).toBe('ops[2].vma: required with index (name the folio by page, or by vma and index)');
    expect(checkUser('get_page', (o) => {
      delete o.vma;
      delete o.index;
    })).toBe('ops[2]: missing page, or vma and index (name the folio by page, or by vma and index)');
    expect(checkUser('query', (o) => delete o.index)).toBe('ops[3].index: required with vma (name the folio by page, or by vma and index)');
    expect(checkUser('query', (o) => {
      delete o.vma;
      delete o.index;
    })).toBe('ops[3]: missing page, or vma and index (name the folio by page, or by vma and index)');
    expect(checkUser('query', (o) => (o.vma = 'g1'))).toBe('ops[3].vma: expected a v-handle (v1, …), got "g1"');
    expect(checkUser('query', (o) => (o.times = 1))).toBe("ops[3].times: unknown key 'times' in query (expected op, page, vma, index)");
    expect(checkUser('get_page', (o) => (o.times = 0))).toBe('ops[2].times: expected an integer in 1..2147483647, got 0');
    expect(checkUser('get_page', (o) => (o.index = -1))).toBe('ops[2].index: expected a non-negative integer, got -1');
  });
  test('GUP: vma, index >= 0, nr 0..2^20, gup_flags a list of strings (names checked at run time)', () => {
    for (const name of ['get_user_pages', 'get_user_pages_fast', 'pin_user_pages', 'pin_user_pages_fast']) {
      const i = at(name);
      expect(checkUser(name, (o) => (o.nr = -1))).toBe(`ops[${i}].nr: expected an integer in 0..1048576, got -1`);
      expect(checkUser(name, (o) => (o.nr = 2 ** 20 + 1))).toBe(`ops[${i}].nr: expected an integer in 0..1048576, got 1048577`);
      expect(checkUser(name, (o) => (o.gup_flags = 'FOLL_LONGTERM'))).toBe(`ops[${i}].gup_flags: expected an array of strings, got "FOLL_LONGTERM"`);
      expect(checkUser(name, (o) => (o.gup_flags = [1]))).toBe(`ops[${i}].gup_flags[0]: expected a string, got 1`);
      expect(checkUser(name, (o) => delete o.gup_flags)).toBe(`ops[${i}].gup_flags: required field is missing`);
      expect(checkUser(name, (o) => (o.gup_flags = ['FOLL_PIN', 'FOLL_NOT_A_FLAG']))).toBe('ok');
      expect(checkUser(name, (o) => (o.index = 1.5))).toBe(`ops[${i}].index: expected a non-negative integer, got 1.5`);
      expect(checkUser(name, (o) => (o.vma = 'v'))).toBe(`ops[${i}].vma: expected a v-handle (v1, …), got "v"`);
    }
  });
  test('unpin_user_pages takes a u-handle, put_page still a g-handle', () => {
    expect(checkUser('unpin_user_pages', (o) => (o.pin = 'g1'))).toBe('ops[8].pin: expected a u-handle (u1, …), got "g1"');
    expect(checkUser('put_page', (o) => (o.ref = 'u1'))).toBe('ops[9].ref: expected a g-handle (g1, …), got "u1"');
  });
  test('set_mempolicy: task exists, mode a string (names checked at run time), nodes unique ids 0..1023', () => {
    expect(checkUser('set_mempolicy', (o) => (o.task = 7))).toBe('ops[10].task: no task with tid 7 (tasks: 1)');
    expect(checkUser('set_mempolicy', (o) => (o.mode = 3))).toBe('ops[10].mode: expected a string, got 3');
    expect(checkUser('set_mempolicy', (o) => (o.mode = 'MPOL_WEIGHTED_INTERLEAVE'))).toBe('ok');
    expect(checkUser('set_mempolicy', (o) => (o.nodes = [0, 0]))).toBe('ops[10].nodes[1]: duplicate nid 0');
    expect(checkUser('set_mempolicy', (o) => (o.nodes = [1024]))).toBe('ops[10].nodes[0]: expected an integer in 0..1023, got 1024');
    // a node the machine does not have is the kernel's business (mpol_set_nodemask), not a path error
    expect(checkUser('set_mempolicy', (o) => (o.nodes = [5]))).toBe('ok');
    expect(checkUser('set_mempolicy', (o) => delete o.nodes)).toBe('ok');
    expect(checkUser('set_mempolicy', (o) => (o.nodes = 1))).toBe('ops[10].nodes: expected an array of node ids, got 1');
  });
  test('mbind: vma, mode, nodes and flags (flag names checked at run time)', () => {
    expect(checkUser('mbind', (o) => (o.flags = 'MPOL_MF_MOVE'))).toBe('ops[11].flags: expected an array of strings, got "MPOL_MF_MOVE"');
    expect(checkUser('mbind', (o) => (o.flags = ['MPOL_MF_NOPE']))).toBe('ok');
    expect(checkUser('mbind', (o) => (o.nodes = [1, 1]))).toBe('ops[11].nodes[1]: duplicate nid 1');
    expect(checkUser('mbind', (o) => delete o.mode)).toBe('ops[11].mode: required field is missing');
    expect(checkUser('mbind', (o) => (o.task = 1))).toBe("ops[11].task: unknown key 'task' in mbind (expected op, vma, mode, nodes, flags)");
  });
  test('set_cpuset_mems: task exists, nodes required, unique ids 0..1023 (empty or missing nodes are runtime -EINVAL)', () => {
    expect(checkUser('set_cpuset_mems', (o) => delete o.nodes)).toBe('ops[12].nodes: required field is missing');
    expect(checkUser('set_cpuset_mems', (o) => (o.nodes = []))).toBe('ok');
    expect(checkUser('set_cpuset_mems', (o) => (o.nodes = [9]))).toBe('ok');
    expect(checkUser('set_cpuset_mems', (o) => (o.nodes = [-1]))).toBe('ops[12].nodes[0]: expected an integer in 0..1023, got -1');
    expect(checkUser('set_cpuset_mems', (o) => (o.task = 0))).toBe('ops[12].task: expected an integer >= 1, got 0');
  });
  test('move_pages: vma, index >= 0, node 0..1023', () => {
    expect(checkUser('move_pages', (o) => (o.node = 1024))).toBe('ops[13].node: expected an integer in 0..1023, got 1024');
    expect(checkUser('move_pages', (o) => (o.node = 9))).toBe('ok');
    expect(checkUser('move_pages', (o) => (o.nodes = [1]))).toBe("ops[13].nodes: unknown key 'nodes' in move_pages (expected op, vma, index, node)");
  });
  test('online_pages: nid 0..1023, startPfn and pages >= 0 ending at or below 2^31, type online_movable or online_kernel', () => {
    expect(checkUser('online_pages', (o) => (o.nid = 1024))).toBe('ops[14].nid: expected an integer in 0..1023, got 1024');
    expect(checkUser('online_pages', (o) => (o.nid = 7))).toBe('ok');
    expect(checkUser('online_pages', (o) => (o.type = 'online'))).toBe('ops[14].type: expected "online_movable" or "online_kernel", got "online"');
    expect(checkUser('online_pages', (o) => (o.startPfn = -2))).toBe('ops[14].startPfn: expected an integer in 0..2147483648, got -2');
    expect(checkUser('online_pages', (o) => {
      o.startPfn = 2 ** 31 - 16;
      o.pages = 32;
    })).toBe('ops[14].pages: the range [2147483632, 2147483664) ends beyond pfn 2^31');
    expect(checkUser('online_pages', (o) => {
      o.startPfn = 2 ** 31 - 32;
      o.pages = 32;
    })).toBe('ok');
    // unaligned, empty or already present ranges are runtime -EINVAL
    expect(checkUser('online_pages', (o) => (o.pages = 0))).toBe('ok');
    expect(checkUser('online_pages', (o) => (o.startPfn = 3))).toBe('ok');
  });
  test('offline_pages: the same range rules', () => {
    expect(checkUser('offline_pages', (o) => (o.pages = 2 ** 31))).toBe('ops[15].pages: the range [32, 2147483680) ends beyond pfn 2^31');
    expect(checkUser('offline_pages', (o) => (o.pages = 1.5))).toBe('ops[15].pages: expected an integer in 0..2147483648, got 1.5');
    expect(checkUser('offline_pages', (o) => (o.type = 'online_movable'))).toBe(
      "ops[15].type: unknown key 'type' in offline_pages (expected op, startPfn, pages)",
    );
  });
  test('cma_alloc: area names one of the machine\'s CMA areas (numbered in config order), count 0..2^26', () => {
    expect(checkUser('cma_alloc', (o) => (o.area = 1))).toBe('ops[16].area: no CMA area 1 (areas: 0 = [16, 24) on node 0)');
    expect(checkUser('cma_alloc', (o, d) => {
      d.machine.nodes[1].cma = [[64, 8], [80, 4]];
      o.area = 3;
    })).toBe('ops[16].area: no CMA area 3 (areas: 0 = [16, 24) on node 0; 1 = [64, 72) on node 1; 2 = [80, 84) on node 1)');
    expect(checkUser('cma_alloc', (o, d) => {
      d.machine.nodes[1].cma = [[64, 8], [80, 4]];
      o.area = 2;
    })).toBe('ok');
    expect(checkUser('cma_alloc', (o, d) => delete d.machine.nodes[0].cma)).toBe('ops[16].area: no CMA area 0: the machine has no CMA areas');
    expect(checkUser('cma_alloc', (o) => (o.area = -1))).toBe('ops[16].area: expected a non-negative integer, got -1');
    expect(checkUser('cma_alloc', (o) => (o.count = 2 ** 26 + 1))).toBe('ops[16].count: expected an integer in 0..67108864, got 67108865');
    expect(checkUser('cma_alloc', (o) => (o.count = 0))).toBe('ok');
  });
  test('cma_release takes a c-handle', () => {
    expect(checkUser('cma_release', (o) => (o.cma = 'c0'))).toBe('ops[17].cma: expected a c-handle (c1, …), got "c0"');
    expect(checkUser('cma_release', (o) => (o.cma = 'k1'))).toBe('ops[17].cma: expected a c-handle (c1, …), got "k1"');
  });
});

test('--profile overrides the document profile and is checked', () => {
  const r = validateTrace(base(), { profile: 'nope' as never });
  expect(r.ok || `${r.path}: ${r.message}`).toBe(
    "--profile: unknown profile 'nope' (known: linux-6.12, private-nodes-v4, private-nodes-v3, private-nodes-zone-pin, linux-5.6, linux-5.7, linux-5.10, tatashin-v3, isolate-merge)",
  );
});

describe('private memory nodes (profiles private-nodes-*)', () => {
  /** A private-nodes document: node 1 is private with the cxl_mempolicy ops; each test breaks one thing. */
  function priv(profile = 'private-nodes-v4'): Json {
    const d = base();
    d.profile = profile;
    const m = d.machine as any;
    m.nodes[1].private = { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] };
    d.ops = [
      { op: 'node_private_set_ops', nid: 1, flags: ['NP_OPS_MIGRATION', 'NP_OPS_LONGTERM_PIN'], callbacks: ['folio_migrate', 'migrate_to'] },
      { op: 'node_private_clear_ops', nid: 1 },
      { op: 'read_sysfs', attr: 'has_memory' },
      { op: 'alloc_pages', gfp: ['GFP_PRIVATE'], order: 0, nid: 1 },
    ];
    return d;
  }
  function checkPriv(edit: (d: any) => void, profile?: string): string {
    const d = priv(profile);
    edit(d);
    const r = validateTrace(d);
    return r.ok ? 'ok' : `${r.path}: ${r.message}`;
  }
  const setPriv = (flags: string[], callbacks: string[]) => (d: any) => (d.machine.nodes[1].private = { flags, callbacks });

  test('valid under every private-nodes profile, field for field, and round-trips', () => {
    for (const profile of ['private-nodes-v4', 'private-nodes-v3', 'private-nodes-zone-pin']) {
      const r = validateTrace(priv(profile));
      expect(r.ok || `${r.path}: ${r.message}`).toBe(true);
      if (r.ok) {
        expect(r.trace).toEqual(priv(profile));
        const again = parseTrace(formatTrace(r.trace));
        expect(again.ok && again.trace).toEqual(r.trace);
      }
    }
  });
  test('linux-6.12 rejects the private key (and so does --profile linux-6.12)', () => {
    expect(checkPriv(() => undefined, 'linux-6.12')).toBe('machine.nodes[1].private: profile linux-6.12 does not allow private nodes');
    const r = validateTrace(priv(), { profile: 'linux-6.12' });
    expect(r.ok || `${r.path}: ${r.message}`).toBe('machine.nodes[1].private: profile linux-6.12 does not allow private nodes');
  });
  test('private: an object with flags and callbacks, both string lists', () => {
    expect(checkPriv((d) => (d.machine.nodes[1].private = []))).toBe('machine.nodes[1].private: expected a private-node object, got an array');
    expect(checkPriv((d) => (d.machine.nodes[1].private.ops = 1))).toBe(
      "machine.nodes[1].private.ops: unknown key 'ops' in a private-node object (expected flags, callbacks)",
    );
    expect(checkPriv((d) => delete d.machine.nodes[1].private.callbacks)).toBe('machine.nodes[1].private.callbacks: required field is missing');
    expect(checkPriv((d) => (d.machine.nodes[1].private.flags = 'NP_OPS_MIGRATION'))).toBe(
      'machine.nodes[1].private.flags: expected an array of strings, got "NP_OPS_MIGRATION"',
    );
    expect(checkPriv((d) => (d.machine.nodes[1].private.flags[0] = 3))).toBe('machine.nodes[1].private.flags[0]: expected a string, got 3');
  });
  test('flag and callback names are known NP_OPS_* / node_private_ops names, each once', () => {
    expect(checkPriv(setPriv(['NP_OPS_OOM_ELIGIBLE'], []))).toBe(
      "machine.nodes[1].private.flags[0]: unknown NP_OPS flag 'NP_OPS_OOM_ELIGIBLE' (expected NP_OPS_MIGRATION, NP_OPS_MEMPOLICY, " +
        'NP_OPS_DEMOTION, NP_OPS_PROTECT_WRITE, NP_OPS_RECLAIM, NP_OPS_NUMA_BALANCING, NP_OPS_COMPACTION, NP_OPS_LONGTERM_PIN)',
    );
    expect(checkPriv(setPriv(['NP_OPS_RECLAIM', 'NP_OPS_RECLAIM'], []))).toBe(
      'machine.nodes[1].private.flags[1]: duplicate NP_OPS flag NP_OPS_RECLAIM (also [0])',
    );
    expect(checkPriv(setPriv([], ['free_folio', 'page_allocated']))).toBe(
      "machine.nodes[1].private.callbacks[1]: unknown node_private_ops callback 'page_allocated' (expected free_folio, folio_split, " +
        'migrate_to, folio_migrate, handle_fault, reclaim_policy, memory_failure)',
    );
    expect(checkPriv(setPriv([], ['migrate_to', 'migrate_to']))).toBe(
      'machine.nodes[1].private.callbacks[1]: duplicate node_private_ops callback migrate_to (also [0])',
    );
  });
  test('the node_private_set_ops predicate, rule by rule, at private.flags', () => {
    const at = 'machine.nodes[1].private.flags: ';
    const einval = ' (node_private_set_ops would return -EINVAL)';
    expect(checkPriv(setPriv(['NP_OPS_MIGRATION'], ['migrate_to']))).toBe(
      `${at}NP_OPS_MIGRATION requires the migrate_to and folio_migrate callbacks (missing: folio_migrate)${einval}`,
    );
    expect(checkPriv(setPriv(['NP_OPS_MIGRATION'], []))).toBe(
      `${at}NP_OPS_MIGRATION requires the migrate_to and folio_migrate callbacks (missing: migrate_to, folio_migrate)${einval}`,
    );
    expect(checkPriv(setPriv(['NP_OPS_MEMPOLICY'], ['migrate_to', 'folio_migrate']))).toBe(`${at}NP_OPS_MEMPOLICY requires NP_OPS_MIGRATION${einval}`);
    expect(checkPriv(setPriv(['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY', 'NP_OPS_PROTECT_WRITE'], ['migrate_to', 'folio_migrate']))).toBe(
      `${at}NP_OPS_MEMPOLICY is incompatible with NP_OPS_PROTECT_WRITE${einval}`,
    );
    expect(checkPriv(setPriv(['NP_OPS_NUMA_BALANCING'], []))).toBe(`${at}NP_OPS_NUMA_BALANCING requires NP_OPS_MIGRATION${einval}`);
    expect(checkPriv(setPriv(['NP_OPS_COMPACTION'], []))).toBe(`${at}NP_OPS_COMPACTION requires NP_OPS_MIGRATION${einval}`);
    // the kernel's order: the callbacks rule is checked first
    expect(checkPriv(setPriv(['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY', 'NP_OPS_PROTECT_WRITE'], []))).toContain('NP_OPS_MIGRATION requires');
  });
  test('what the predicate accepts: no ops, flags without dependencies, callbacks without their flag, CRAM\'s set', () => {
    expect(checkPriv(setPriv([], []))).toBe('ok');
    expect(checkPriv(setPriv(['NP_OPS_DEMOTION', 'NP_OPS_PROTECT_WRITE', 'NP_OPS_RECLAIM', 'NP_OPS_LONGTERM_PIN'], []))).toBe('ok');
    expect(checkPriv(setPriv([], ['migrate_to']))).toBe('ok');
    const cram = ['NP_OPS_MIGRATION', 'NP_OPS_DEMOTION', 'NP_OPS_NUMA_BALANCING', 'NP_OPS_PROTECT_WRITE', 'NP_OPS_RECLAIM'];
    expect(checkPriv(setPriv(cram, ['handle_fault', 'migrate_to', 'folio_migrate', 'free_folio', 'reclaim_policy']))).toBe('ok');
    // order as given is kept (the snapshot sorts; the trace is what the user wrote)
    const r = validateTrace(priv());
    expect(r.ok && r.trace.machine.nodes[1]?.private).toEqual({ flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] });
  });
  test('validateMachine with a Profile object follows its privateNodes rules', () => {
    const machine = { maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8] }, private: { flags: [], callbacks: [] } }] };
    expect(validateMachine(machine, 'private-nodes-v3').ok).toBe(true);
    expect(validateMachine(machine, 'linux-6.12')).toEqual({ ok: false, path: 'machine.nodes[0].private', message: 'profile linux-6.12 does not allow private nodes' });
  });
  test('node_private_set_ops: nid 0..1023, flags and callbacks string lists (names are runtime -EINVAL)', () => {
    expect(checkPriv((d) => (d.ops[0].flags = ['NP_OPS_NOPE'], d.ops[0].nid = 7))).toBe('ok');
    expect(checkPriv((d) => (d.ops[0].nid = 1024))).toBe('ops[0].nid: expected an integer in 0..1023, got 1024');
    expect(checkPriv((d) => delete d.ops[0].callbacks)).toBe('ops[0].callbacks: required field is missing');
    expect(checkPriv((d) => (d.ops[0].flags = 'NP_OPS_MIGRATION'))).toBe('ops[0].flags: expected an array of strings, got "NP_OPS_MIGRATION"');
    expect(checkPriv((d) => (d.ops[0].callbacks = [1]))).toBe('ops[0].callbacks[0]: expected a string, got 1');
    expect(checkPriv((d) => (d.ops[0].ops = {}))).toBe("ops[0].ops: unknown key 'ops' in node_private_set_ops (expected op, nid, flags, callbacks)");
  });
  test('node_private_clear_ops {nid}, read_sysfs {attr: string} (an unknown attr is runtime -ENOENT)', () => {
    expect(checkPriv((d) => (d.ops[1].nid = -1))).toBe('ops[1].nid: expected an integer in 0..1023, got -1');
    expect(checkPriv((d) => delete d.ops[1].nid)).toBe('ops[1].nid: required field is missing');
    expect(checkPriv((d) => (d.ops[2].attr = 'online'))).toBe('ok');
    expect(checkPriv((d) => (d.ops[2].attr = 0))).toBe('ops[2].attr: expected a string, got 0');
    expect(checkPriv((d) => delete d.ops[2].attr)).toBe('ops[2].attr: required field is missing');
  });
  test('the new ops are valid under linux-6.12 too (their results say what mainline says)', () => {
    const d = priv('linux-6.12');
    delete (d.machine as any).nodes[1].private;
    expect(validateTrace(d).ok).toBe(true);
  });
});
