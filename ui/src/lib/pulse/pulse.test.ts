import { describe as suite, expect, it } from "vitest";
import { blankAnswer, comparableRounds, describe, reminderDue, stripRows } from "./pulse";
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

  it("reminds when a round opens, after 3 and 7 days, then every 14 days, once each", () => {
    const day = 24 * 3600 * 1000;
    const round = { id: "r", closedAt: null, iAnswered: false, openedAt: 0, closesAt: 60 * day } as unknown as Round;
    const given = new Set<string>();
    const at = (d: number) => reminderDue(round, d * day, given);
    expect([at(0), at(2), at(3), at(6), at(7), at(20), at(21), at(34)]).toEqual([
      "pulse:r:0", "pulse:r:0", "pulse:r:3", "pulse:r:3", "pulse:r:7", "pulse:r:7", "pulse:r:21", "pulse:r:21",
    ]);
    given.add("pulse:r:3");
    expect(at(4)).toBeNull();
    expect(reminderDue({ ...round, iAnswered: true }, 3 * day, new Set())).toBeNull();
  });

  it("keeps in the trend only rounds that cannot be subtracted to single someone out", () => {
    const r = (id: string, n: number) => ({ id, results: { respondents: n, threshold: 5, tooFew: false } }) as unknown as Round;
    // Newest first, as listed: 20 after 19 would single one person out.
    expect(comparableRounds([r("c", 26), r("b", 19), r("a", 20)]).map((x) => x.id)).toEqual(["c", "a"]);
  });

  it("starts every slider in the middle", () => {
    const round = { dimensions: [{ id: "a", name: "A" }, { id: "b", name: "B" }] } as unknown as Round;
    expect(blankAnswer(round)).toEqual({ now: [5, 5], wished: [5, 5], note: "" });
  });
});
