import { describe, expect, it } from "vitest";
import { columns, nextStatuses } from "./initiatives";

describe("nextStatuses", () => {
  it("never offers done (that is closing, with a reflection) and keeps done final", () => {
    for (const status of columns) expect(nextStatuses(status)).not.toContain("done");
    expect(nextStatuses("done")).toEqual([]);
  });
  it("lets a dropped idea come back as an idea", () => {
    expect(nextStatuses("dropped")).toEqual(["idea"]);
  });
});
