import { describe, expect, it } from "vitest";
import { countWords, homeSuggestion, shareWords, spanWords, varietyWords, whoWords } from "./health";
import type { HealthFinding, HealthReport } from "../api";

const finding = (kind: HealthFinding["kind"], names: string[], count = names.length): HealthFinding => ({
  kind,
  sentence: "s",
  evidence: "e",
  nextStep: "n",
  count,
  people: names.map((displayName, i) => ({ id: `m${i}`, displayName })),
  held: false,
});

describe("health words", () => {
  it("gives a share with its range, and says when there are too few", () => {
    expect(shareWords({ from: "a", to: "b", items: 114, learning: 60, share: 0.526, low: 0.44, high: 0.62 })).toBe(
      "53% about practice (60 of 114; probably between 44% and 62%)",
    );
    expect(shareWords({ from: "a", to: "b", items: 6, learning: 2, share: null, low: null, high: null })).toBe(
      "only 6 stories, responses and moments: too few to say",
    );
  });

  it("says a window's days as people do, the year once when it does not change", () => {
    expect(spanWords("2026-06-03", "2026-08-01", "en-GB")).toBe("3 Jun – 1 Aug 2026");
    expect(spanWords("2025-12-05", "2026-03-05", "en-GB")).toBe("5 Dec 2025 – 5 Mar 2026");
  });

  it("counts variety, never volume, and keeps back counts under five", () => {
    expect(varietyWords({ none: null, one: 22, two: 6, threeOrMore: 1 })).toBe(
      "In the last 12 months, 1 member took part in three or more ways, 6 in two, 22 in one, and fewer than 5 not yet.",
    );
    expect(countWords(0)).toBe("0");
  });

  it("says how many a finding is about when it names only some", () => {
    expect(whoWords(finding("split", ["A", "B", "C"], 5))).toBe("Who (3 of 5): A, B, C");
    expect(whoWords(finding("isolated", ["Zanele"]))).toBe("Who: Zanele");
  });

  it("shows a lead one invitation from the findings, never who is left out, and a member none", () => {
    const report = {
      asLead: true,
      findings: [finding("learningSlide", []), finding("isolated", ["Zanele"]), finding("storyUnanswered", ["Amelia"])],
    } as unknown as HealthReport;
    expect(homeSuggestion(report)?.kind).toBe("storyUnanswered");
    expect(homeSuggestion({ ...report, asLead: false })).toBeNull();
  });
});
