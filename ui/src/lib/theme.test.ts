import { describe, expect, it } from "vitest";
import { applyTextSize, applyTheme, resolveTheme, textSizeFor } from "./theme";

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

describe("text size", () => {
  it("scales the root font, so every rem follows", () => {
    applyTextSize(200);
    expect(document.documentElement.style.fontSize).toBe("30px");
    applyTextSize(100);
    expect(document.documentElement.style.fontSize).toBe("15px");
    applyTextSize(0); // a hand-edited settings file: never invisible text
    expect(document.documentElement.style.fontSize).toBe("15px");
  });

  it("steps through the offered sizes with Ctrl and +, - and 0, and stops at the ends", () => {
    const key = (key: string, ctrlKey = true) => ({ key, ctrlKey, metaKey: false, altKey: false });
    expect(textSizeFor(key("+"), 100)).toBe(125);
    expect(textSizeFor(key("="), 175)).toBe(200);
    expect(textSizeFor(key("+"), 200)).toBeNull(); // already the largest
    expect(textSizeFor(key("-"), 125)).toBe(100);
    expect(textSizeFor(key("-"), 100)).toBeNull();
    expect(textSizeFor(key("0"), 150)).toBe(100);
    expect(textSizeFor(key("+", false), 100)).toBeNull(); // typing "+" in a field is just text
    expect(textSizeFor(key("+"), 140)).toBe(175); // an unoffered size steps from the nearest, 150
    expect(textSizeFor(key("-"), 0)).toBeNull(); // nearest is 100, already the smallest
  });
});
