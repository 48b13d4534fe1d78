// Named kernel behaviour profiles (DESIGN.md §6), consumed by spec and impl alike.
import type { Profile, ProfileName } from './api/index.js';

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'linux-6.12': {
    name: 'linux-6.12',
    kernel: 'mainline Linux 6.12 (page allocator as in 6.12.y with the 6.15 __rmqueue backports)',
    historical: false,
    allowsPrivateNodes: false,
  },
};

export const DEFAULT_PROFILE: ProfileName = 'linux-6.12';

export function isProfileName(name: string): name is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}
