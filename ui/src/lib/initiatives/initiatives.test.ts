import { describe, expect, it } from "vitest";
import { columns, statusLabels } from "./initiatives";

// Where a card may move comes from the core (`Initiative.next`); the board only lays it out.
describe("the board", () => {
  it("has a column and a label for every status, done before paused and dropped", () => {
    expect(columns).toEqual(["idea", "gathering", "active", "done", "paused", "dropped"]);
    for (const status of columns) expect(statusLabels[status].length).toBeGreaterThan(2);
  });
});
