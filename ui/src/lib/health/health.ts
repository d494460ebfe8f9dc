// Words for the health report's figures, and the one suggestion Home shows a lead.
import type { HealthFinding, HealthReport, LearningShare, Opportunity, Variety } from "../api";
import { dateFormat } from "../dates";

export const opportunityLabel: Record<Opportunity, string> = {
  hosted: "Hosting a gathering",
  toldStory: "Telling a story",
  ledInitiative: "Leading or co-leading an initiative",
  featured: "In the highlight photos",
  recognised: "A sign of membership",
  credited: "Credited on an artefact",
};

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** A count, or "fewer than 5" where the report keeps it back so no one can be singled out. */
export function countWords(n: number | null | undefined): string {
  return n === null || n === undefined ? "fewer than 5" : String(n);
}

/** "53% about practice (60 of 114; probably between 44% and 62%)", or why there is no share. */
export function shareWords(share: LearningShare): string {
  if (share.share === null || share.share === undefined) {
    return share.items === 0 ? "nothing shared" : `only ${share.items} stories, responses and moments: too few to say`;
  }
  return `${percent(share.share)} about practice (${share.learning} of ${share.items}; probably between ${percent(share.low ?? 0)} and ${percent(share.high ?? 1)})`;
}

/** A window's days as people say them: "3 Jun – 1 Aug 2026" (in the app's language). */
export function spanWords(from: string, to: string, locale?: string): string {
  const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
  const short = dateFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
  const long = dateFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  return `${(sameYear ? short : long).format(day(from))} – ${long.format(day(to))}`;
}

/** Participation by variety, in one sentence. */
export function varietyWords(v: Variety): string {
  const members = (n: number | null | undefined) => (n === 1 ? "1 member" : `${countWords(n)} members`);
  return `In the last 12 months, ${members(v.threeOrMore)} took part in three or more ways, ${countWords(v.two)} in two, ${countWords(v.one)} in one, and ${countWords(v.none)} not yet.`;
}

/** "Who: Ana, Ben and Cy" or "Who (3 of 5): …". */
export function whoWords(finding: HealthFinding): string {
  const names = finding.people.map((p) => p.displayName).join(", ");
  return finding.count > finding.people.length ? `Who (${finding.people.length} of ${finding.count}): ${names}` : `Who: ${names}`;
}

/** Kinds Home may show a lead: invitations, never a finding about someone being left out or a group closing. */
const forHome: HealthFinding["kind"][] = ["storyUnanswered", "newcomerAlone", "neverOffered", "bridge"];

/** The one suggestion Home shows a lead: the first of those kinds that names people, if any. */
export function homeSuggestion(report: HealthReport | null): HealthFinding | null {
  if (!report?.asLead) return null;
  return report.findings.find((f) => f.people.length > 0 && forHome.includes(f.kind)) ?? null;
}
