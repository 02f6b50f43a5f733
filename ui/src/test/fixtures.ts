import type { AppStatus, Profile, SessionInfo } from "../features/auth/api";
import type { Task, ViewCounts } from "../features/tasks/api";

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

export function task(overrides: Partial<Task> = {}): Task {
  return {
    id: "0190a5b2-0000-7000-8000-0000000000a1",
    title: "Buy milk",
    notes: "",
    due: null,
    dueAt: null,
    priority: "p4",
    tags: [],
    status: "open",
    completedAt: null,
    recurrence: null,
    deletedAt: null,
    createdAt: "2025-01-02T10:00:00Z",
    updatedAt: "2025-01-02T10:00:00Z",
    overdue: false,
    dueToday: false,
    ...overrides,
  };
}

export const noCounts: ViewCounts = {
  inbox: 0,
  today: 0,
  upcoming: 0,
  overdue: 0,
  completed: 0,
  trash: 0,
};
