// Words for rituals: cadences, gathering dates and answers, as people say them.
import type { Answer, Cadence, Gathering, Ritual, RitualDraft } from "../bindings";
import { currentZone } from "../dates";

export const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
export const weeksOfMonth = { first: "first", second: "second", third: "third", fourth: "fourth", last: "last" } as const;
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "Every Thursday", "The last Friday of each month", "Every year on 29 February". */
export function describeCadence(cadence: Cadence): string {
  const day = (n: number) => weekdays[n - 1] ?? "?";
  switch (cadence.kind) {
    case "weekly":
      return `Every ${day(cadence.weekday)}`;
    case "everyWeeks":
      return `Every ${cadence.weeks} weeks on ${day(cadence.weekday)}`;
    case "monthlyOnDay":
      return `Each month on the ${ordinal(cadence.day)}${cadence.day > 28 ? " (or its last day)" : ""}`;
    case "monthlyOnWeekday":
      return `The ${cadence.week} ${day(cadence.weekday)} of each month`;
    case "yearly":
      return `Every year on ${cadence.day} ${months[cadence.month - 1] ?? "?"}`;
  }
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

/** "Fri 25 December 2026, 19:00" from a gathering's local "2026-12-25T19:00". */
export function gatheringDate(local: string): string {
  const [date, time] = local.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return `${weekdays[(weekday + 6) % 7].slice(0, 3)} ${d} ${months[m - 1]} ${y}, ${time}`;
}

export const answerLabels: Record<Answer, string> = { going: "Going", maybe: "Maybe", notGoing: "Not going" };

/** The laptop's time zone, for a new ritual. */
export function localZone(): string {
  return currentZone();
}

/** A new ritual's form: the monthly dinner most communities start with. */
export function blankRitual(today: string): RitualDraft {
  return {
    name: "",
    why: "",
    origin: "",
    originMoment: null,
    customs: [],
    place: "",
    zone: localZone(),
    cadence: { kind: "monthlyOnWeekday", week: "last", weekday: 5 },
    starts: today,
    at: "19:00",
    minutes: 180,
  };
}

/** The gatherings to remind this member of: those they are going to that begin tomorrow (by
 * this laptop's calendar), not reminded of before. Keys: `gathering:<ritual>:<key>`. */
export function gatheringsToRemind(rituals: Ritual[], now: Date, reminded: Set<string>): { key: string; ritual: Ritual; gathering: Gathering }[] {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  return rituals.flatMap((ritual) =>
    ritual.upcoming
      .filter((g) => !g.cancelled && g.myAnswer === "going" && sameDay(new Date(g.startsAt), tomorrow))
      .map((gathering) => ({ key: `gathering:${ritual.id}:${gathering.key}`, ritual, gathering }))
      .filter((item) => !reminded.has(item.key)),
  );
}
