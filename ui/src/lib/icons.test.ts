import { describe, expect, it } from "vitest";

// Icons are Lucide's SVGs, never text symbols or emoji, which many laptops' fonts lack (the
// photo viewer's zoom buttons were empty boxes on a stock Debian laptop); and a button that
// shows only an icon says what it does to a screen reader.
const sources = import.meta.glob("../**/*.svelte", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

describe("icons", () => {
  it("are never symbols from a font", () => {
    // Arrows, dingbats, miscellaneous symbols, geometric shapes, fullwidth forms and emoji.
    const symbol = /[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\uff01-\uff5e\u{1f300}-\u{1faff}]/u;
    const found: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const line of text.split("\n")) {
        // Arrows in running text ("Group them into moments →") are words, not icons.
        const withoutArrows = line.replace(/[←→↑↓]/g, "");
        if (symbol.test(withoutArrows)) found.push(`${file}: ${line.trim()}`);
      }
    }
    expect(Object.keys(sources).length, "the components are read").toBeGreaterThan(30);
    expect(found, "use an icon from @lucide/svelte/icons instead").toEqual([]);
  });

  it("alone in a button come with the button's accessible name", () => {
    const unnamed: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const [button] of text.matchAll(/<button\b[^>]*>\s*<[A-Z]\w*\b[^>]*\/>\s*<\/button>/g)) {
        if (!/aria-label=/.test(button)) unnamed.push(`${file}: ${button}`);
      }
    }
    expect(unnamed).toEqual([]);
  });
});
