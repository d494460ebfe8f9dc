import { describe, expect, it } from "vitest";
import { fromForm, parseTags, toForm } from "./profile";
import type { Member } from "./bindings";

const fatima: Member = {
  id: "f",
  displayName: "Fatima",
  role: "member",
  joinedOn: "2020-05-05",
  pronouns: "she/her",
  portrait: "",
  profession: "Midwife",
  organisation: "Harbour",
  yearsInPractice: 12,
  expertise: ["water births"],
  interests: ["poetry", "sea swimming"],
  askMeAbout: "",
  bio: "",
  bioHtml: "",
  location: "",
  timeZone: "",
  contact: "",
  birthday: "02-29",
  celebrateBirthday: true,
  visibility: { contact: "onlyMe", birthday: "leads" },
};

describe("profile form", () => {
  it("round-trips a profile without losing anything", () => {
    const fields = fromForm(toForm(fatima));
    expect(fields.interests).toEqual(["poetry", "sea swimming"]);
    expect(fields.yearsInPractice).toBe(12);
    expect(fields.birthday).toBe("02-29");
    expect(fields.visibility).toEqual({ contact: "onlyMe", birthday: "leads" });
  });

  it("gives every private field a visibility to edit, community unless chosen", () => {
    const form = toForm(fatima);
    expect(form.visibility.contact).toBe("onlyMe");
    expect(form.visibility.bio).toBe("community");
    expect(Object.keys(form.visibility)).toHaveLength(13);
  });

  it("stores only the fields that are not visible to everyone", () => {
    const form = toForm(fatima);
    form.visibility.contact = "community";
    expect(fromForm(form).visibility).toEqual({ birthday: "leads" });
  });

  it("leaves the birthday empty unless both day and month are chosen", () => {
    const form = toForm(fatima);
    form.birthDay = "";
    expect(fromForm(form).birthday).toBe("");
  });

  it("splits tags on commas and drops blanks", () => {
    expect(parseTags(" a, b ,, c ")).toEqual(["a", "b", "c"]);
  });
});
