import { describe, expect, it } from "vitest";
import { fromForm, parseTags, toForm } from "./profile";

// As the core lists them (`members::PRIVATE_FIELDS`, sent with the library info).
const privateFields = ["pronouns", "portrait", "profession", "organisation", "yearsInPractice", "expertise", "interests", "askMeAbout", "bio", "location", "timeZone", "contact", "birthday", "dietary", "accessNeeds"];
import type { Member } from "../bindings";

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
  dietary: "",
  accessNeeds: "",
  birthday: "02-29",
  celebrateBirthday: true,
  visibility: { contact: "onlyMe", birthday: "leads" },
};

describe("profile form", () => {
  it("round-trips a profile without losing anything", () => {
    const fields = fromForm(toForm(fatima, privateFields));
    expect(fields.interests).toEqual(["poetry", "sea swimming"]);
    expect(fields.yearsInPractice).toBe(12);
    expect(fields.birthday).toBe("02-29");
    expect(fields.visibility).toEqual({ contact: "onlyMe", birthday: "leads", dietary: "leads", accessNeeds: "leads" });
  });

  it("gives every private field a visibility to edit, community unless chosen (needs: leads)", () => {
    const form = toForm(fatima, privateFields);
    expect(form.visibility.contact).toBe("onlyMe");
    expect(form.visibility.bio).toBe("community");
    expect(form.visibility.dietary).toBe("leads");
    expect(Object.keys(form.visibility)).toHaveLength(15);
  });

  it("stores only the fields that are not visible to everyone, and always the needs' choice", () => {
    const form = toForm(fatima, privateFields);
    form.visibility.contact = "community";
    form.visibility.dietary = "community";
    expect(fromForm(form).visibility).toEqual({ birthday: "leads", dietary: "community", accessNeeds: "leads" });
  });

  it("leaves the birthday empty unless both day and month are chosen", () => {
    const form = toForm(fatima, privateFields);
    form.birthDay = "";
    expect(fromForm(form).birthday).toBe("");
  });

  it("splits tags on commas and drops blanks", () => {
    expect(parseTags(" a, b ,, c ")).toEqual(["a", "b", "c"]);
  });
});
