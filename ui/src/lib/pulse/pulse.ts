// Words and shapes for the pulse: rows for the charts, a text alternative, and blank answers.
import type { PulseAnswer, Results, Round } from "../bindings";

/** One dimension's row for the strip chart: medians and the middle half of now and wished. */
export type StripRow = { name: string; now: number; nowLow: number; nowHigh: number; wished: number; wishedLow: number; wishedHigh: number };

export function stripRows(results: Results): StripRow[] {
  return results.dimensions
    .filter((d) => d.now && d.wished)
    .map((d) => ({
      name: d.name,
      now: d.now!.median ?? 0,
      nowLow: d.now!.q1 ?? 0,
      nowHigh: d.now!.q3 ?? 0,
      wished: d.wished!.median ?? 0,
      wishedLow: d.wished!.q1 ?? 0,
      wishedHigh: d.wished!.q3 ?? 0,
    }));
}

/** The chart in words, one sentence per dimension (its text alternative). */
export function describe(results: Results): string {
  return stripRows(results)
    .map((r) => `${r.name}: now ${r.now} (middle half ${r.nowLow}–${r.nowHigh}), wished ${r.wished} (${r.wishedLow}–${r.wishedHigh}).`)
    .join(" ");
}

/** A blank answer for a round: every slider at 5, none marked "don't know". */
export function blankAnswer(round: Round): PulseAnswer {
  return { now: round.dimensions.map(() => 5), wished: round.dimensions.map(() => 5), note: "" };
}

/** Medians of each dimension across closed rounds with results, oldest first, for the trend. */
export function trendRows(rounds: Round[]): { round: string; when: Date; name: string; median: number; kind: "now" | "wished" }[] {
  return rounds
    .filter((r) => r.results && !r.results.tooFew)
    .slice()
    .reverse()
    .flatMap((r) =>
      r.results!.dimensions.flatMap((d) => [
        ...(d.now ? [{ round: r.title, when: new Date(r.closedAt ?? r.closesAt), name: d.name, median: d.now.median ?? 0, kind: "now" as const }] : []),
        ...(d.wished ? [{ round: r.title, when: new Date(r.closedAt ?? r.closesAt), name: d.name, median: d.wished.median ?? 0, kind: "wished" as const }] : []),
      ]),
    );
}

export const columnName = (round: Round, column: number) =>
  `${column < round.dimensions.length ? "now" : "wished"}: ${round.dimensions[column % round.dimensions.length]?.name ?? "?"}`;
