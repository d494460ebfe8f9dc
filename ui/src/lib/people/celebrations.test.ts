import { describe, expect, it } from "vitest";
import type { Occasion } from "../bindings";
import { isoDay, toNotify, whenLabel } from "./celebrations";

const today = new Date(2026, 10, 28); // 28 November 2026, local time

const occasion = (key: string, date: string): Occasion => ({
  key,
  kind: "birthday",
  member: { id: "m", displayName: "Ada" },
  date,
  title: "Ada's birthday",
  description: "",
  accomplishmentKind: null,
  years: null,
  messageCount: 0,
});

describe("whenLabel", () => {
  it("speaks of the next days plainly", () => {
    expect(whenLabel("2026-11-28", today)).toBe("today");
    expect(whenLabel("2026-11-29", today)).toBe("tomorrow");
    expect(whenLabel("2026-12-03", today)).toBe("in 5 days");
  });
  it("crosses the year", () => {
    expect(whenLabel("2027-01-02", today)).not.toMatch(/in/);
  });
});

describe("toNotify", () => {
  it("notifies of today's occasions once", () => {
    const all = [occasion("a", "2026-11-28"), occasion("b", "2026-11-29"), occasion("c", "2026-11-28")];
    expect(toNotify(all, today, new Set()).map((o) => o.key)).toEqual(["a", "c"]);
    expect(toNotify(all, today, new Set(["a"])).map((o) => o.key)).toEqual(["c"]);
  });
  it("formats today in local time", () => {
    expect(isoDay(today)).toBe("2026-11-28");
  });
});
