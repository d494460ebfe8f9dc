import { describe, expect, it } from "vitest";
import { dateFormat, formatDate, formattersMade } from "./dates";
import { monthLabel, takenLabel } from "./memories/gallery";
import { longDate } from "./people/stories";

describe("dates in words", () => {
  it("says a date as toLocaleDateString does", () => {
    const at = Date.UTC(2025, 5, 1, 12);
    const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" };
    expect(formatDate(at, "en-GB", options)).toBe(new Date(at).toLocaleDateString("en-GB", options));
    expect(formatDate(new Date(at), "en-GB", options)).toBe("1 June 2025");
    expect(takenLabel("2025-06-01T19:30:00")).toBe("Sunday 1 June 2025, 19:30");
    expect(monthLabel("2025-06")).toBe("June 2025");
    // As toLocaleDateString said it, where Intl's format would throw and empty a whole list.
    expect(formatDate(Number.NaN, "en-GB", options)).toBe("Invalid Date");
    expect(formatDate(new Date("not a date"), undefined, options)).toBe("Invalid Date");
  });

  it("is the only maker of ICU date formatters in the window's code (nothing calls toLocale…String)", () => {
    // Each toLocaleDateString / toLocaleString / new Intl.DateTimeFormat builds ICU objects that
    // only garbage collection frees; dates.ts makes each formatter once instead.
    const sources = import.meta.glob("../**/*.{ts,svelte}", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    // (Number's toLocaleString makes an ICU number formatter each call, and is caught too.)
    const makers = /\.toLocale(Date|Time)?String\(|new Intl\.DateTimeFormat|Intl\.DateTimeFormat\(/;
    const offenders = Object.entries(sources)
      .filter(([path]) => !path.endsWith("/dates.ts") && !path.endsWith(".test.ts") && !path.endsWith("bindings.ts"))
      .filter(([, text]) => makers.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it("makes each formatter once, however many dates it says", () => {
    // A gallery labels every cell it shows: 10,000 labels must not mean 10,000 ICU formatters.
    takenLabel("2025-06-01T19:30:00");
    monthLabel("2025-06");
    longDate(0);
    const before = formattersMade();
    for (let day = 0; day < 10_000; day++) {
      takenLabel(`2025-01-01T10:00:00`.replace("01T", `${String((day % 28) + 1).padStart(2, "0")}T`));
      monthLabel(`20${String(day % 100).padStart(2, "0")}-0${(day % 9) + 1}`);
      longDate(day * 86_400_000);
    }
    expect(formattersMade()).toBe(before);
    expect(dateFormat("en-GB", { month: "long" })).toBe(dateFormat("en-GB", { month: "long" }));
    expect(dateFormat("en-GB", { month: "long" })).not.toBe(dateFormat("fr-FR", { month: "long" }));
  });
});
