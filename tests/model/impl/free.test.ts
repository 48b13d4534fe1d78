// Freeing helpers called directly: migratetype_is_mergeable and split_large_buddy below pageblock order.
import { describe, expect, test } from 'vitest';
import { migratetype_is_mergeable, split_large_buddy } from '../../../model/impl/free.js';
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE } from '../../../model/impl/mem.js';
import { del_page_from_free_list } from '../../../model/impl/freelist.js';
import { boot, lists, oneZone } from './helpers.js';

describe('migratetype_is_mergeable', () => {
  test('UNMOVABLE, MOVABLE, RECLAIMABLE merge; HIGHATOMIC, CMA and ISOLATE do not (mt < MIGRATE_HIGHATOMIC)', () => {
    expect([MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC, MIGRATE_CMA, MIGRATE_ISOLATE].map(migratetype_is_mergeable)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('split_large_buddy', () => {
  test('an order below pageblock order is freed as one block of that order', () => {
    // one zone [0,8), pageblock order 2: take the order-3 block off the list, give back [0,1) only
    const sys = boot(oneZone(3, 2, 'ZONE_NORMAL', 0, 8));
    const mm = sys.mm;
    del_page_from_free_list(mm, 0, mm.zoneOf[0]!, 3, MIGRATE_MOVABLE);
    split_large_buddy(mm, 0, mm.zoneOf[0]!, 0);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 0']);
  });

  test('an order above pageblock order is freed as pageblock-sized pieces, ascending', () => {
    const sys = boot(oneZone(3, 1, 'ZONE_NORMAL', 0, 8));
    const mm = sys.mm;
    del_page_from_free_list(mm, 0, mm.zoneOf[0]!, 3, MIGRATE_MOVABLE);
    split_large_buddy(mm, 0, mm.zoneOf[0]!, 3);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0']);
  });
});
