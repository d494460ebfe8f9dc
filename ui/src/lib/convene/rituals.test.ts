import { describe, expect, it } from "vitest";
import { describeCadence, gatheringDate, gatheringsToRemind, ordinal } from "./rituals";

describe("rituals' words", () => {
  it("says each cadence as people do", () => {
    expect(describeCadence({ kind: "weekly", weekday: 4 })).toBe("Every Thursday");
    expect(describeCadence({ kind: "everyWeeks", weeks: 2, weekday: 3 })).toBe("Every 2 weeks on Wednesday");
    expect(describeCadence({ kind: "monthlyOnDay", day: 31 })).toBe("Each month on the 31st (or its last day)");
    expect(describeCadence({ kind: "monthlyOnWeekday", week: "last", weekday: 5 })).toBe("The last Friday of each month");
    expect(describeCadence({ kind: "yearly", month: 2, day: 29 })).toBe("Every year on 29 February");
  });

  it("writes ordinals and gathering dates", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd"]);
    expect(gatheringDate("2026-12-25T19:00")).toBe("Fri 25 December 2026, 19:00");
  });
});

describe("reminders", () => {
  const gathering = (key: string, startsAt: number, myAnswer: "going" | "maybe" | null, cancelled = false) => ({
    key, startsAt, local: `${key}T19:00`, offset: "+00:00", moved: false, cancelled, myAnswer, myAnswerFromSeries: false, going: 1, guests: 0, maybe: 0, host: null,
  });
  it("reminds the day before of gatherings one is going to, once", () => {
    const now = new Date(2026, 11, 10, 9, 0);
    const tomorrow = new Date(2026, 11, 11, 19, 0).getTime();
    const ritual = {
      id: "r1", name: "Dinner", upcoming: [gathering("2026-12-11", tomorrow, "going"), gathering("2026-12-12", tomorrow + 86_400_000, "going")],
    } as unknown as import("../bindings").Ritual;
    const maybe = { ...ritual, id: "r2", upcoming: [gathering("2026-12-11", tomorrow, "maybe")] } as typeof ritual;
    const cancelled = { ...ritual, id: "r3", upcoming: [gathering("2026-12-11", tomorrow, "going", true)] } as typeof ritual;
    const due = gatheringsToRemind([ritual, maybe, cancelled], now, new Set());
    expect(due.map((d) => d.key)).toEqual(["gathering:r1:2026-12-11"]);
    expect(gatheringsToRemind([ritual], now, new Set(["gathering:r1:2026-12-11"]))).toEqual([]);
  });
});
