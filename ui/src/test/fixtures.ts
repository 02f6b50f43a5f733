import type { AppStatus, Profile, SessionInfo } from "../features/auth/api";

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: "0190a5b2-0000-7000-8000-000000000001",
    username: "ada",
    displayName: "Ada Lovelace",
    role: "admin",
    disabled: false,
    createdAt: "2025-01-02T10:00:00Z",
    lastLoginAt: "2025-01-03T09:30:00Z",
    ...overrides,
  };
}

export function session(
  overrides: Partial<SessionInfo> = {},
  who: Partial<Profile> = {},
): SessionInfo {
  return { profile: profile(who), locked: false, idleLockMinutes: 15, ...overrides };
}

export const signedOut: AppStatus = { hasProfiles: true, session: null };
export const freshComputer: AppStatus = { hasProfiles: false, session: null };
export const signedIn = (s: SessionInfo = session()): AppStatus => ({
  hasProfiles: true,
  session: s,
});
