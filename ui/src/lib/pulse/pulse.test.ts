import { describe as suite, expect, it } from "vitest";
import { blankAnswer, describe, stripRows } from "./pulse";
import type { Results, Round } from "../bindings";

const spread = (median: number, q1: number, q3: number) => ({ histogram: [], count: 5, median, q1, q3, consensus: 0.8 });

suite("pulse", () => {
  const results = {
    dimensions: [
      { id: "a", name: "Projects", now: spread(5, 4, 6), wished: spread(8, 7, 9), wantsMuchMore: 0.4 },
      { id: "b", name: "Influence", now: null, wished: null, wantsMuchMore: null },
    ],
  } as unknown as Results;

  it("charts only dimensions with enough answers, and says the chart in words", () => {
    expect(stripRows(results).map((r) => r.name)).toEqual(["Projects"]);
    expect(describe(results)).toBe("Projects: now 5 (middle half 4–6), wished 8 (7–9).");
  });

  it("starts every slider in the middle", () => {
    const round = { dimensions: [{ id: "a", name: "A" }, { id: "b", name: "B" }] } as unknown as Round;
    expect(blankAnswer(round)).toEqual({ now: [5, 5], wished: [5, 5], note: "" });
  });
});
