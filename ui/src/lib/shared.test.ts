import { describe, expect, it } from "vitest";

// Shared components are the bottom tier (as GitButler's components README has it): they may
// use each other, Svelte, the generated types and the few shared helpers below, never a
// domain's components, helpers or commands. A component that needs those belongs to its domain.
const allowed = [
  /^svelte(\/|$)/,
  /^\.\/[A-Z]\w*\.svelte$/,
  /^\.\.\/\.\.\/lib\/(bindings|errors|confirm\.svelte|avatar)$/,
  // Icons: Lucide's, one module per icon.
  /^@lucide\/svelte\/icons\/[a-z-]+$/,
];

describe("components/shared", () => {
  it("imports nothing domain-specific", () => {
    const sources = import.meta.glob("../components/shared/*.svelte", { query: "?raw", import: "default", eager: true });
    expect(Object.keys(sources).length, "the shared components are read").toBeGreaterThan(3);
    const wrong: string[] = [];
    for (const [file, text] of Object.entries(sources) as [string, string][]) {
      for (const [, source] of text.matchAll(/import[^"']*["']([^"']+)["']/g)) {
        if (!allowed.some((pattern) => pattern.test(source))) wrong.push(`${file} imports ${source}`);
      }
      if (/\bcommands\./.test(text)) wrong.push(`${file} calls a command`);
    }
    expect(wrong, "move the component to its domain's folder, or the helper to a shared one").toEqual([]);
  });
});
