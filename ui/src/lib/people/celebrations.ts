// Celebrations in the window: labels, dates relative to today, and which to notify about.
import type { Occasion } from "../bindings";
import { formatDate } from "../dates";

export const accomplishmentLabels = {
  promotion: "Promotion",
  publication: "Publication",
  certification: "Certification",
  milestone: "Milestone",
  thanks: "A thank you",
} as const;

/** "today", "tomorrow", "in 5 days", or a date, for an occasion on `date` (YYYY-MM-DD). */
export function whenLabel(date: string, today: Date): string {
  const [y, m, d] = date.split("-").map(Number);
  const target = Date.UTC(y, m - 1, d);
  const base = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  const days = Math.round((target - base) / 86_400_000);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days > 1 && days < 14) return `in ${days} days`;
  return formatDate(target, undefined, { day: "numeric", month: "long", timeZone: "UTC" });
}

/** Today's date as YYYY-MM-DD in local time. */
export function isoDay(today: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
}

/**
 * The occasions to notify about now: today's, not yet notified. `notified` holds the keys
 * already notified (kept by the caller across runs of the app).
 */
export function toNotify(occasions: Occasion[], today: Date, notified: Set<string>): Occasion[] {
  const day = isoDay(today);
  return occasions.filter((o) => o.date === day && !notified.has(o.key));
}
