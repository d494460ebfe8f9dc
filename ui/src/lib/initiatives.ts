// The board's columns and labels.
import type { Status } from "./bindings";

export const statusLabels: Record<Status, string> = {
  idea: "Idea",
  gathering: "Gathering support",
  active: "Active",
  done: "Done",
  paused: "Paused",
  dropped: "Dropped",
};

/** The board's columns, left to right; paused and dropped sit at the end. */
export const columns: Status[] = ["idea", "gathering", "active", "done", "paused", "dropped"];

/** Where a card may move from `status` (mirrors the core's rule; the core still decides). */
export function nextStatuses(status: Status): Status[] {
  const next: Record<Status, Status[]> = {
    idea: ["gathering", "paused", "dropped"],
    gathering: ["idea", "active", "paused", "dropped"],
    active: ["gathering", "paused", "dropped"],
    paused: ["idea", "gathering", "active", "dropped"],
    dropped: ["idea"],
    done: [],
  };
  return next[status];
}

export const stanceLabels = { agree: "Agree", abstain: "Abstain", disagree: "Disagree", block: "Block" } as const;
