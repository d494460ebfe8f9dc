import { describe, expect, it } from "vitest";
import { describeCadence, gatheringDate, ordinal } from "./rituals";

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
