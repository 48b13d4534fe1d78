// Kernel names and values shared by every layer. Data only: no logic lives in model/api.
// Sources: include/linux/gfp_types.h (6.12), include/linux/mmzone.h (enum zone_type, enum migratetype).

/** Zone names in index order (x86-64 without HIGHMEM; ZONE_DEVICE is out of scope). */
export const ZONE_NAMES = ['ZONE_DMA', 'ZONE_DMA32', 'ZONE_NORMAL', 'ZONE_MOVABLE'] as const;
export type ZoneName = (typeof ZONE_NAMES)[number];
export const MAX_NR_ZONES = ZONE_NAMES.length;

/** Migratetypes in kernel order (enum migratetype with CONFIG_CMA and CONFIG_MEMORY_ISOLATION). */
export const MIGRATETYPE_NAMES = [
  'MIGRATE_UNMOVABLE',
  'MIGRATE_MOVABLE',
  'MIGRATE_RECLAIMABLE',
  'MIGRATE_HIGHATOMIC',
  'MIGRATE_CMA',
  'MIGRATE_ISOLATE',
] as const;
export type Migratetype = (typeof MIGRATETYPE_NAMES)[number];
export const MIGRATE_TYPES = MIGRATETYPE_NAMES.length;

/** Single gfp bits, include/linux/gfp_types.h (6.12, __GFP_SKIP_* = 0 without KASAN_HW_TAGS). */
export const GFP_BITS = {
  __GFP_DMA: 0x01,
  __GFP_HIGHMEM: 0x02,
  __GFP_DMA32: 0x04,
  __GFP_MOVABLE: 0x08,
  __GFP_RECLAIMABLE: 0x10,
  __GFP_HIGH: 0x20,
  __GFP_IO: 0x40,
  __GFP_FS: 0x80,
  __GFP_ZERO: 0x100,
  /** private-nodes RFC v4 (patch 02) only: bit 9, unused in mainline; -EINVAL under linux-6.12 */
  __GFP_PRIVATE: 0x200,
  __GFP_DIRECT_RECLAIM: 0x400,
  __GFP_KSWAPD_RECLAIM: 0x800,
  __GFP_WRITE: 0x1000,
  __GFP_NOWARN: 0x2000,
  __GFP_RETRY_MAYFAIL: 0x4000,
  __GFP_NOFAIL: 0x8000,
  __GFP_NORETRY: 0x10000,
  __GFP_MEMALLOC: 0x20000,
  __GFP_COMP: 0x40000,
  __GFP_NOMEMALLOC: 0x80000,
  __GFP_HARDWALL: 0x100000,
  __GFP_THISNODE: 0x200000,
  __GFP_ACCOUNT: 0x400000,
  __GFP_ZEROTAGS: 0x800000,
} as const;
export type GfpBitName = keyof typeof GFP_BITS;

const B = GFP_BITS;
const RECLAIM = B.__GFP_DIRECT_RECLAIM | B.__GFP_KSWAPD_RECLAIM;
const KERNEL = RECLAIM | B.__GFP_IO | B.__GFP_FS;
const HIGHUSER_MOVABLE = KERNEL | B.__GFP_HARDWALL | B.__GFP_HIGHMEM | B.__GFP_MOVABLE;
const TRANSHUGE_LIGHT =
  (HIGHUSER_MOVABLE | B.__GFP_COMP | B.__GFP_NOMEMALLOC | B.__GFP_NOWARN) & ~RECLAIM;

/** Composite masks, include/linux/gfp_types.h (6.12). */
export const GFP_COMPOSITES = {
  __GFP_RECLAIM: RECLAIM,
  GFP_ATOMIC: B.__GFP_HIGH | B.__GFP_KSWAPD_RECLAIM,
  GFP_KERNEL: KERNEL,
  GFP_KERNEL_ACCOUNT: KERNEL | B.__GFP_ACCOUNT,
  GFP_NOWAIT: B.__GFP_KSWAPD_RECLAIM | B.__GFP_NOWARN,
  GFP_NOIO: RECLAIM,
  GFP_NOFS: RECLAIM | B.__GFP_IO,
  GFP_USER: KERNEL | B.__GFP_HARDWALL,
  GFP_DMA: B.__GFP_DMA,
  GFP_DMA32: B.__GFP_DMA32,
  GFP_HIGHUSER: KERNEL | B.__GFP_HARDWALL | B.__GFP_HIGHMEM,
  GFP_HIGHUSER_MOVABLE: HIGHUSER_MOVABLE,
  GFP_TRANSHUGE_LIGHT: TRANSHUGE_LIGHT,
  GFP_TRANSHUGE: TRANSHUGE_LIGHT | B.__GFP_DIRECT_RECLAIM,
  /** private-nodes RFC v4: __GFP_PRIVATE | __GFP_THISNODE */
  GFP_PRIVATE: B.__GFP_PRIVATE | B.__GFP_THISNODE,
} as const;

/** gfp names that exist only in the private-node profiles. */
export const PRIVATE_GFP_NAMES: readonly string[] = ['__GFP_PRIVATE', 'GFP_PRIVATE'];
export type GfpCompositeName = keyof typeof GFP_COMPOSITES;
export type GfpName = GfpBitName | GfpCompositeName;

/** Every name a trace may use in a gfp list, with its mask. */
export const GFP_NAMES: Readonly<Record<GfpName, number>> = { ...GFP_BITS, ...GFP_COMPOSITES };

/** GFP_ZONEMASK = DMA|HIGHMEM|DMA32|MOVABLE. */
export const GFP_ZONEMASK = 0x0f;

/** Errno strings the model returns. -EBADF is the model's answer for a handle that is not live. */
export const ERRNOS = [
  '-EINVAL',
  '-ENOMEM',
  '-EFAULT',
  '-EBUSY',
  '-EINTR',
  '-ENODEV',
  '-EAGAIN',
  '-EBADF',
  '-ENOENT',
  '-EIO',
  '-EACCES',
] as const;
export type Errno = (typeof ERRNOS)[number];

/** Node distances, include/linux/topology.h. */
export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;

/** GUP flags, include/linux/mm_types.h (public) and mm/internal.h (internal), ≥ 6.3 values. */
export const FOLL_FLAGS = {
  FOLL_WRITE: 1 << 0,
  FOLL_GET: 1 << 1,
  FOLL_DUMP: 1 << 2,
  FOLL_FORCE: 1 << 3,
  FOLL_NOWAIT: 1 << 4,
  FOLL_NOFAULT: 1 << 5,
  FOLL_HWPOISON: 1 << 6,
  FOLL_ANON: 1 << 7,
  FOLL_LONGTERM: 1 << 8,
  FOLL_SPLIT_PMD: 1 << 9,
  FOLL_PCI_P2PDMA: 1 << 10,
  FOLL_INTERRUPTIBLE: 1 << 11,
  FOLL_HONOR_NUMA_FAULT: 1 << 12,
  FOLL_TOUCH: 1 << 16,
  FOLL_TRIED: 1 << 17,
  FOLL_REMOTE: 1 << 18,
  FOLL_PIN: 1 << 19,
  FOLL_FAST_ONLY: 1 << 20,
  FOLL_UNLOCKABLE: 1 << 21,
  FOLL_MADV_POPULATE: 1 << 22,
} as const;
export type FollFlagName = keyof typeof FOLL_FLAGS;

/** INTERNAL_GUP_FLAGS, mm/internal.h: a caller passing any of these is rejected. */
export const INTERNAL_GUP_FLAGS =
  FOLL_FLAGS.FOLL_TOUCH |
  FOLL_FLAGS.FOLL_TRIED |
  FOLL_FLAGS.FOLL_REMOTE |
  FOLL_FLAGS.FOLL_PIN |
  FOLL_FLAGS.FOLL_FAST_ONLY |
  FOLL_FLAGS.FOLL_UNLOCKABLE |
  FOLL_FLAGS.FOLL_MADV_POPULATE;

/** Flags gup_fast_fallback accepts (mm/gup.c); any other gives -EINVAL. */
export const GUP_FAST_ALLOWED_FLAGS =
  FOLL_FLAGS.FOLL_WRITE |
  FOLL_FLAGS.FOLL_LONGTERM |
  FOLL_FLAGS.FOLL_FORCE |
  FOLL_FLAGS.FOLL_PIN |
  FOLL_FLAGS.FOLL_GET |
  FOLL_FLAGS.FOLL_FAST_ONLY |
  FOLL_FLAGS.FOLL_NOFAULT |
  FOLL_FLAGS.FOLL_PCI_P2PDMA |
  FOLL_FLAGS.FOLL_HONOR_NUMA_FAULT;

/** GUP_PIN_COUNTING_BIAS, include/linux/mm.h */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** Mempolicy modes (include/uapi/linux/mempolicy.h) the model implements. */
export const MPOL_MODES = ['MPOL_DEFAULT', 'MPOL_PREFERRED', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_LOCAL'] as const;
export type MpolMode = (typeof MPOL_MODES)[number];

/** mbind flags, include/uapi/linux/mempolicy.h */
export const MPOL_MF_FLAGS = { MPOL_MF_STRICT: 1 << 0, MPOL_MF_MOVE: 1 << 1, MPOL_MF_MOVE_ALL: 1 << 2 } as const;

/**
 * Bounds where the kernel loops without one (DESIGN.md §4.3, §4.5): the FOLL_LONGTERM
 * pin-migrate-retry loop ends with -EAGAIN after this many passes.
 */
export const LONGTERM_MAX_PASSES = 4;

/** NP_OPS_* flags of node_private_ops (private-nodes RFC v4, include/linux/node_private.h), bit order. */
export const NP_OPS_FLAGS = {
  NP_OPS_MIGRATION: 1 << 0,
  NP_OPS_MEMPOLICY: 1 << 1,
  NP_OPS_DEMOTION: 1 << 2,
  NP_OPS_PROTECT_WRITE: 1 << 3,
  NP_OPS_RECLAIM: 1 << 4,
  NP_OPS_NUMA_BALANCING: 1 << 5,
  NP_OPS_COMPACTION: 1 << 6,
  NP_OPS_LONGTERM_PIN: 1 << 7,
} as const;
export type NpOpsFlagName = keyof typeof NP_OPS_FLAGS;

/** node_private_ops callbacks, in struct order. */
export const NODE_PRIVATE_CALLBACKS = [
  'free_folio',
  'folio_split',
  'migrate_to',
  'folio_migrate',
  'handle_fault',
  'reclaim_policy',
  'memory_failure',
] as const;
export type NodePrivateCallback = (typeof NODE_PRIVATE_CALLBACKS)[number];

/** sysfs node-state attributes read_sysfs knows (drivers/base/node.c). */
export const SYSFS_ATTRS = ['has_memory', 'has_private_memory'] as const;
