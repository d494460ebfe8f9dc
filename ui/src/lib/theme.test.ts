import { describe, expect, it } from "vitest";
import { applyTheme, resolveTheme } from "./theme";

describe("resolveTheme", () => {
  it("follows the OS only when the person chose 'system'", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light"); // an explicit choice beats the OS
    expect(resolveTheme("dark", false)).toBe("dark");
  });
});

describe("applyTheme", () => {
  it("marks the page so the dark palette applies", () => {
    const stop = applyTheme("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    stop();
    applyTheme("light")();
    expect(document.documentElement.dataset.theme).toBe("light");
  });
});
