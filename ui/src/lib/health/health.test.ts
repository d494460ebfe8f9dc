import { describe, expect, it } from "vitest";
import { homeSuggestion, shareWords, spanWords, varietyWords } from "./health";
import type { HealthFinding, HealthReport } from "../api";

const finding = (kind: HealthFinding["kind"], names: string[]): HealthFinding => ({
  kind,
  sentence: "s",
  evidence: "e",
  nextStep: "n",
  people: names.map((displayName, i) => ({ id: `m${i}`, displayName })),
  held: false,
});

describe("health words", () => {
  it("gives a share with its range, and says when there are too few", () => {
    expect(shareWords({ from: "a", to: "b", items: 114, learning: 60, share: 0.526, low: 0.44, high: 0.62 })).toBe(
      "53% about learning (likely 44%–62%; 60 of 114)",
    );
    expect(shareWords({ from: "a", to: "b", items: 6, learning: 2, share: null, low: null, high: null })).toBe("6 items: too few to say");
  });

  it("says a window's days as people do, the year once when it does not change", () => {
    expect(spanWords("2026-06-03", "2026-08-01", "en-GB")).toBe("3 Jun – 1 Aug 2026");
    expect(spanWords("2025-12-05", "2026-03-05", "en-GB")).toBe("5 Dec 2025 – 5 Mar 2026");
  });

  it("counts variety, never volume", () => {
    expect(varietyWords({ none: 1, one: 22, two: 6, threeOrMore: 1 })).toBe(
      "Ways of taking part this year: 1 member in three or more, 6 in two, 22 in one, 1 not yet.",
    );
  });

  it("shows a lead one suggestion about people, and a member none", () => {
    const report = { asLead: true, findings: [finding("learningSlide", []), finding("isolated", ["Zanele"]), finding("split", ["A"])] } as unknown as HealthReport;
    expect(homeSuggestion(report)?.kind).toBe("isolated");
    expect(homeSuggestion({ ...report, asLead: false })).toBeNull();
  });
});
