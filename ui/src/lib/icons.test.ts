import { describe, expect, it } from "vitest";

// Icons are Lucide's SVGs, never text symbols or emoji, which many laptops' fonts lack (the
// photo viewer's zoom buttons were empty boxes on a stock Debian laptop); and a button that
// shows only an icon says what it does to a screen reader.
const sources = import.meta.glob("../**/*.svelte", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

describe("icons", () => {
  it("are never symbols from a font", () => {
    // Arrows, dingbats, miscellaneous symbols, geometric shapes, fullwidth forms and emoji.
    // Single guillemets (‹ ›) too: the photo viewer's previous and next were drawn with them.
    const symbol = /[\u2039\u203a\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\uff01-\uff5e\u{1f300}-\u{1faff}]/u;
    const found: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const line of text.split("\n")) {
        // Arrows in running text ("Initiatives → Questions") are words, not icons; one that opens
        // or ends a button's label ("← All people") is an icon.
        const withoutArrows = line.replace(/[←→↑↓]/g, "");
        const buttonArrow = /<button\b(?:=>|[^>])*>\s*[←→↑↓]|[←→↑↓]\s*<\/button>/.test(line);
        if (symbol.test(withoutArrows) || buttonArrow) found.push(`${file}: ${line.trim()}`);
      }
    }
    expect(Object.keys(sources).length, "the components are read").toBeGreaterThan(30);
    expect(found, "use an icon from @lucide/svelte/icons instead").toEqual([]);
  });

  it("alone in a button come with the button's accessible name", () => {
    const unnamed: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const [button] of text.matchAll(/<button\b(?:=>|[^>])*>\s*<[A-Z]\w*\b[^>]*\/>\s*<\/button>/g)) {
        if (!/aria-label=/.test(button)) unnamed.push(`${file}: ${button}`);
      }
    }
    expect(unnamed).toEqual([]);
    // (`=>` inside a handler is not the end of the tag: the viewer's Previous and Next count.)
    const viewer = sources["../components/gallery/Lightbox.svelte"];
    expect([...viewer.matchAll(/<button\b(?:=>|[^>])*>\s*<[A-Z]\w*\b[^>]*\/>\s*<\/button>/g)].length).toBeGreaterThanOrEqual(4);
  });
});
