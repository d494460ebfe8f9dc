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
export function trendRows(rounds: Round[]): { round: string; when: Date; name: string; median: number; low: number; high: number; kind: "now" | "wished" }[] {
  return comparableRounds(rounds)
    .slice()
    .reverse()
    .flatMap((r) =>
      r.results!.dimensions.flatMap((d) => [
        ...(d.now ? [{ round: r.title, when: new Date(r.closedAt ?? r.closesAt), name: d.name, median: d.now.median ?? 0, low: d.now.q1 ?? 0, high: d.now.q3 ?? 0, kind: "now" as const }] : []),
        ...(d.wished ? [{ round: r.title, when: new Date(r.closedAt ?? r.closesAt), name: d.name, median: d.wished.median ?? 0, low: d.wished.q1 ?? 0, high: d.wished.q3 ?? 0, kind: "wished" as const }] : []),
      ]),
    );
}

export const columnName = (round: Round, column: number) =>
  `${round.dimensions[column % round.dimensions.length]?.name ?? "?"} (${column < round.dimensions.length ? "as it is now" : "as wished for"})`;

const DAY = 24 * 3600 * 1000;

/**
 * The reminder due for an open round this member has not answered, by `now` (ms): one when the
 * app opens on a new round, after 3 and after 7 days, then at most every 14 days. Its key, or
 * null when none is due (or already given: `given` holds the keys sent).
 */
export function reminderDue(round: Round, now: number, given: Set<string>): string | null {
  if (round.closedAt || round.iAnswered || now >= round.closesAt) return null;
  const age = Math.floor((now - round.openedAt) / DAY);
  const step = age < 3 ? 0 : age < 7 ? 3 : 7 + 14 * Math.floor((age - 7) / 14);
  const key = `pulse:${round.id}:${step}`;
  return given.has(key) ? null : key;
}

/** Trend rows keep a round only when it may be compared with the last one kept (equal
 * respondent counts, or counts apart by at least the threshold), so no two neighbouring
 * points differ by a handful of people. */
export function comparableRounds(rounds: Round[]): Round[] {
  const kept: Round[] = [];
  for (const r of rounds.filter((r) => r.results && !r.results.tooFew).slice().reverse()) {
    const last = kept[kept.length - 1];
    const n = r.results!.respondents;
    const threshold = Math.max(r.results!.threshold, last?.results?.threshold ?? 0);
    if (!last || n === last.results!.respondents || Math.abs(n - last.results!.respondents) >= threshold) kept.push(r);
  }
  return kept.reverse();
}
