// The board's columns and labels.
import type { Status } from "../bindings";

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

export const stanceLabels = { agree: "Agree", abstain: "Abstain", disagree: "Disagree", block: "Block" } as const;
