// Words for the health report's figures, and the one suggestion Home shows a lead.
import type { HealthFinding, HealthReport, LearningShare, Opportunity, Variety } from "../api";

export const opportunityLabel: Record<Opportunity, string> = {
  hosted: "Hosting a gathering",
  toldStory: "Telling a story",
  ledInitiative: "Leading or co-leading an initiative",
  featured: "In the highlight photos",
  recognised: "A sign of membership",
  credited: "Credited on an artefact",
};

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** "53% about learning (44–62%, 60 of 114)", or why there is no share. */
export function shareWords(share: LearningShare): string {
  if (share.share === null || share.share === undefined) {
    return share.items === 0 ? "nothing written" : `${share.items} items: too few to say`;
  }
  return `${percent(share.share)} about learning (likely ${percent(share.low ?? 0)}–${percent(share.high ?? 1)}; ${share.learning} of ${share.items})`;
}

/** A window's days as people say them: "3 Jun – 1 Sep 2026" (in the app's language). */
export function spanWords(from: string, to: string, locale?: string): string {
  const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
  const short = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
  const long = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  return `${(sameYear ? short : long).format(day(from))} – ${long.format(day(to))}`;
}

/** Participation by variety, in one sentence. */
export function varietyWords(v: Variety): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return `Ways of taking part this year: ${n(v.threeOrMore, "member", "members")} in three or more, ${v.two} in two, ${v.one} in one, ${v.none} not yet.`;
}

/** The one suggestion Home shows a lead: the first finding that names people, if any. */
export function homeSuggestion(report: HealthReport | null): HealthFinding | null {
  if (!report?.asLead) return null;
  return report.findings.find((f) => f.people.length > 0) ?? null;
}
