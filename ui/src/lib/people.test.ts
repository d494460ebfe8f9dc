import { describe, expect, it } from "vitest";
import type { Member } from "./bindings";
import { avatarHue, filterMembers, initials } from "./people";

const member = (displayName: string, profession: string, interests: string[]): Member => ({
  id: displayName,
  displayName,
  role: "member",
  joinedOn: "2024-01-01",
  pronouns: null,
  portrait: null,
  profession,
  organisation: "Riverside",
  yearsInPractice: null,
  expertise: null, // hidden from this viewer: must not break search
  interests,
  askMeAbout: null,
  bio: null,
  bioHtml: null,
  location: null,
  timeZone: null,
  contact: null,
  birthday: null,
  celebrateBirthday: false,
  visibility: null,
});

describe("initials", () => {
  it("takes the first and last word", () => {
    expect(initials("Amara Okafor")).toBe("AO");
    expect(initials("Mei Lin Chen")).toBe("MC");
    expect(initials("  cher ")).toBe("C");
    expect(initials("")).toBe("?");
  });
});

describe("filterMembers", () => {
  const people = [member("Amara Okafor", "Nurse educator", ["simulation"]), member("Tomás Herrera", "Physiotherapist", ["cycling"])];

  it("matches every word across name, work and interests, ignoring case", () => {
    expect(filterMembers(people, "nurse SIM").map((m) => m.displayName)).toEqual(["Amara Okafor"]);
    expect(filterMembers(people, "cycling").map((m) => m.displayName)).toEqual(["Tomás Herrera"]);
    expect(filterMembers(people, "nurse cycling")).toEqual([]);
  });

  it("returns everyone for an empty query", () => {
    expect(filterMembers(people, "   ")).toHaveLength(2);
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
