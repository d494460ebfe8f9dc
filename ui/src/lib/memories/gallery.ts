// The gallery's pure parts: media URLs over hearth://, the virtual grid's layout, and dates.
import type { MediaItem, MomentKind, MonthSection } from "../bindings";
import { formatDate } from "../dates";

export const CHUNK = 60;
export const HEADER_HEIGHT = 44;
export const GAP = 6;

export const thumbUrl = (hash: string) => `hearth://localhost/media/${hash}/thumb`;
export const previewUrl = (hash: string) => `hearth://localhost/media/${hash}/preview`;
/** An original (video, or photo to zoom into), streamed by the shell's loopback server at `base`. */
export const originalUrl = (base: string, item: Pick<MediaItem, "hash" | "format">) => `${base}/media/${item.hash}/original.${item.format}`;

export const momentKinds: [MomentKind, string][] = [
  ["dinner", "Dinner"],
  ["outing", "Outing"],
  ["meeting", "Meeting"],
  ["conference", "Conference"],
  ["celebration", "Celebration"],
  ["other", "Other"],
];

/** A month of the grid: `top` and `height` in px, `rows` of cells. */
export type Section = MonthSection & { top: number; rows: number; height: number };
export type Layout = { columns: number; cell: number; sections: Section[]; height: number };

/** Lays out month sections of square cells in a container `width` wide. */
export function layout(months: MonthSection[], width: number, target = 170): Layout {
  const columns = Math.max(2, Math.floor((width + GAP) / (target + GAP)));
  const cell = Math.floor((width - GAP * (columns - 1)) / columns);
  let top = 0;
  const sections = months.map((month) => {
    const rows = Math.ceil(month.count / columns);
    const height = HEADER_HEIGHT + rows * (cell + GAP);
    const section = { ...month, top, rows, height };
    top += height;
    return section;
  });
  return { columns, cell, sections, height: top };
}

/** A row near the viewport: its section's index, its row in that section, its `top` in px. */
export type VisibleRow = { section: number; row: number; top: number };

/** The rows that intersect [scrollTop - overscan, scrollTop + viewport + overscan]. */
export function visibleRows(grid: Layout, scrollTop: number, viewport: number, overscan = 400): VisibleRow[] {
  const from = scrollTop - overscan;
  const to = scrollTop + viewport + overscan;
  const rows: VisibleRow[] = [];
  grid.sections.forEach((section, index) => {
    if (section.top + section.height < from || section.top > to) return;
    const first = Math.max(0, Math.floor((from - section.top - HEADER_HEIGHT) / (grid.cell + GAP)));
    const last = Math.min(section.rows - 1, Math.floor((to - section.top - HEADER_HEIGHT) / (grid.cell + GAP)));
    for (let row = first; row <= last; row++) {
      rows.push({ section: index, row, top: section.top + HEADER_HEIGHT + row * (grid.cell + GAP) });
    }
  });
  return rows;
}

/** One row of the page's elements: the `item` it shows, in its `slot`; a `spare` one is hidden. */
export type Placed<T> = { item: T; slot: number; spare: boolean };

/**
 * Slots recycle the page's elements: an item (a row) keeps its slot while it stays near the
 * viewport, and one scrolled in takes the slot of one scrolled out, so scrolling rewrites a
 * fixed set of elements instead of making new ones. Making and dropping them grew WebKit's
 * memory by tens of MB over a 100,000-item scroll, freed only when its collector got round to
 * it (`hearth bench startup`). A slot never used again is kept as a spare, hidden with the
 * last item it showed, for when the rows near the viewport number one more again. There are
 * never more slots than items were placed at once.
 */
export class Slots<T> {
  private held = new Map<string, number>();
  private shown: T[] = [];

  /** `items` (distinct by `key`) in page order with their slots, then the spare slots. */
  place(items: T[], key: (item: T) => string): Placed<T>[] {
    const keys = items.map(key);
    const next = new Map<string, number>();
    const taken = new Set<number>();
    keys.forEach((k) => {
      const slot = this.held.get(k);
      if (slot !== undefined) {
        next.set(k, slot);
        taken.add(slot);
      }
    });
    let free = 0;
    const placed = items.map((item, i) => {
      let slot = next.get(keys[i]);
      if (slot === undefined) {
        while (taken.has(free)) free++;
        slot = free;
        taken.add(slot);
        next.set(keys[i], slot);
      }
      this.shown[slot] = item;
      return { item, slot, spare: false };
    });
    this.held = next;
    const spares = this.shown.flatMap((item, slot) => (taken.has(slot) ? [] : [{ item, slot, spare: true }]));
    return [...placed, ...spares];
  }
}

/** Which chunks (of CHUNK items) a row of a section needs. */
export function chunksOfRow(grid: Layout, row: number): number[] {
  const first = Math.floor((row * grid.columns) / CHUNK);
  const last = Math.floor(((row + 1) * grid.columns - 1) / CHUNK);
  return first === last ? [first] : [first, last];
}

export function monthLabel(month: string): string {
  const [year, number] = month.split("-").map(Number);
  return formatDate(Date.UTC(year, number - 1, 1), "en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
}

/** '2025-06-01T19:30:00' → 'Sunday 1 June 2025, 19:30' (as the camera recorded it). */
export function takenLabel(takenAt: string): string {
  if (!takenAt) return "Date unknown";
  const [day, time] = takenAt.split("T");
  const [y, m, d] = day.split("-").map(Number);
  const at = new Date(Date.UTC(y, m - 1, d));
  const weekday = formatDate(at, "en-GB", { weekday: "long", timeZone: "UTC" });
  const date = `${weekday} ${formatDate(at, "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })}`;
  return time ? `${date}, ${time.slice(0, 5)}` : date;
}

export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function megabytes(bytes: number | null): string {
  bytes ??= 0;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  // Under a megabyte in kilobytes: a short clip read "0.0 MB".
  return bytes >= 1e6 || bytes === 0 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}

export function timeLeft(seconds: number | null): string {
  if (seconds === null) return "estimating time left…";
  if (seconds < 1) return "almost done";
  if (seconds < 90) return `about ${Math.ceil(seconds)} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

/** A query for every media matching `filter` (no paging yet). */
export function mediaQuery(filter: Partial<import("../bindings").MediaQuery>): import("../bindings").MediaQuery {
  return { momentId: null, albumId: null, memberId: null, highlights: false, from: null, until: null, text: null, after: null, offset: 0, limit: CHUNK, ...filter };
}

/** Videos come over loopback HTTP (`base` from `videoBaseUrl`): WebKitGTK cannot play hearth://. */
