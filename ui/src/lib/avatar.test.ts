import { describe, expect, it } from "vitest";
import { avatarHue, initials } from "./avatar";

describe("initials", () => {
  it("takes the first and last word", () => {
    expect(initials("Amara Okafor")).toBe("AO");
    expect(initials("Mei Lin Chen")).toBe("MC");
    expect(initials("  cher ")).toBe("C");
    expect(initials("")).toBe("?");
  });
});

describe("avatarHue", () => {
  it("is stable per person and stays in the warm range", () => {
    expect(avatarHue("abc")).toBe(avatarHue("abc"));
    for (const id of ["a", "b", "0190-xyz", "Ω"]) {
      expect(avatarHue(id)).toBeGreaterThanOrEqual(10);
      expect(avatarHue(id)).toBeLessThan(50);
    }
  });
});
