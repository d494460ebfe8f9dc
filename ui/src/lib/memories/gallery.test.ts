import { describe, expect, it } from "vitest";
import { chunksOfRow, HEADER_HEIGHT, layout, megabytes, Slots, takenLabel, visibleRows, type VisibleRow } from "./gallery";

const month = (month: string, count: number) => ({ month, count, from: 0, until: 0 });

describe("the virtual grid", () => {
  it("lays sections one under the other, each a header and its rows", () => {
    const grid = layout([month("2025-06", 10), month("2025-05", 3)], 1000, 170);
    expect(grid.columns).toBe(5); // (1000 + 6) / 176 = 5.7
    expect(grid.sections[0].rows).toBe(2);
    expect(grid.sections[1].top).toBe(grid.sections[0].height);
    expect(grid.height).toBe(grid.sections[0].height + HEADER_HEIGHT + 1 * (grid.cell + 6));
  });

  it("renders only the rows near the viewport, however large the library", () => {
    const grid = layout([month("2025-06", 100_000)], 1000);
    const rows = visibleRows(grid, 500_000, 800);
    expect(rows.length).toBeGreaterThan(4);
    expect(rows.length).toBeLessThan(20); // 800 px plus overscan, not 20,000 rows
    expect(rows[0].top).toBeLessThanOrEqual(500_000);
  });

  it("recycles slots: each row near the viewport has its own, kept while it stays, left to the next", () => {
    // Many small months, so that headers fall between rows and the number of rows varies.
    const months = [...Array.from({ length: 40 }, (_, i) => month(`2020-${i}`, 7)), month("2019-12", 5_000)];
    const grid = layout(months, 1000);
    const slots = new Slots<VisibleRow>();
    const key = (r: VisibleRow) => `${r.section}:${r.row}`;
    let before = new Map<string, number>();
    let most = 0;
    for (let scrollTop = 0; scrollTop < grid.height; scrollTop += 37) {
      const near = visibleRows(grid, scrollTop, 800);
      const placed = slots.place(near, key);
      const shown = placed.filter((p) => !p.spare);
      expect(shown.map((p) => p.item), "the rows near the viewport, in page order, come first").toEqual(near);
      most = Math.max(most, near.length);
      // Every slot made so far is still there (shown or spare), each once: no element is
      // dropped to be made again, and two rows never share one.
      expect(placed.map((p) => p.slot).sort((x, y) => x - y), `slots at ${scrollTop} px`).toEqual([...Array(most).keys()]);
      // A row still near the viewport keeps its elements (its picture is not loaded again).
      const now = new Map(shown.map((p) => [key(p.item), p.slot]));
      for (const [k, slot] of now) if (before.has(k)) expect(slot).toBe(before.get(k));
      before = now;
    }
  });

  it("knows which chunks a row spans", () => {
    const grid = layout([month("2025-06", 200)], 1000); // 5 columns
    expect(chunksOfRow(grid, 0)).toEqual([0]);
    expect(chunksOfRow(grid, 11)).toEqual([0]); // items 55..59
    expect(chunksOfRow(grid, 12)).toEqual([1]); // items 60..64
  });
});

describe("dates as the camera recorded them", () => {
  it("shows the local day and time without shifting time zones", () => {
    expect(takenLabel("2024-03-09T19:30:00")).toBe("Saturday 9 March 2024, 19:30");
    expect(takenLabel("")).toBe("Date unknown");
  });
});

describe("megabytes", () => {
  it("says a file's size in a unit that shows it", () => {
    expect(megabytes(48_000), "a short clip is not 0.0 MB").toBe("48 KB");
    expect(megabytes(300), "never 0 KB for a file that has bytes").toBe("1 KB");
    expect(megabytes(2_400_000)).toBe("2.4 MB");
    expect(megabytes(3_200_000_000)).toBe("3.2 GB");
    expect(megabytes(null)).toBe("0.0 MB");
  });
});
