// Turning a profile into the form a person edits, and back.
import type { Member, ProfileFields, Visibility } from "../bindings";

export const visibilityLabels: Record<Visibility, string> = {
  community: "Everyone in the community",
  leads: "Leads only",
  onlyMe: "Only me",
};

/** Tags typed as "a, b,  c" → ["a", "b", "c"]. */
export function parseTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Fields kept to the leads unless the member chooses otherwise (`members::LEADS_BY_DEFAULT`). */
export const leadsByDefault: readonly string[] = ["dietary", "accessNeeds"];

export interface ProfileForm {
  displayName: string;
  pronouns: string;
  profession: string;
  organisation: string;
  yearsInPractice: string;
  expertise: string;
  interests: string;
  askMeAbout: string;
  bio: string;
  location: string;
  timeZone: string;
  contact: string;
  dietary: string;
  accessNeeds: string;
  birthMonth: string;
  birthDay: string;
  celebrateBirthday: boolean;
  visibility: Record<string, Visibility>;
}

/** The form for the member's own profile (they see every field of it). */
/** The form for `m`; `fields` are the fields with a visibility of their own (from the core). */
export function toForm(m: Member, fields: readonly string[]): ProfileForm {
  const [birthMonth = "", birthDay = ""] = (m.birthday ?? "").split("-");
  return {
    displayName: m.displayName,
    pronouns: m.pronouns ?? "",
    profession: m.profession ?? "",
    organisation: m.organisation ?? "",
    yearsInPractice: m.yearsInPractice?.toString() ?? "",
    expertise: (m.expertise ?? []).join(", "),
    interests: (m.interests ?? []).join(", "),
    askMeAbout: m.askMeAbout ?? "",
    bio: m.bio ?? "",
    location: m.location ?? "",
    timeZone: m.timeZone ?? "",
    contact: m.contact ?? "",
    dietary: m.dietary ?? "",
    accessNeeds: m.accessNeeds ?? "",
    birthMonth,
    birthDay,
    celebrateBirthday: m.celebrateBirthday,
    // Every field gets an explicit choice so each picker has a value to bind to.
    visibility: Object.fromEntries(fields.map((f) => [f, m.visibility?.[f] ?? (leadsByDefault.includes(f) ? "leads" : "community")])),
  };
}

export function fromForm(form: ProfileForm): ProfileFields {
  const years = form.yearsInPractice.trim();
  return {
    pronouns: form.pronouns,
    profession: form.profession,
    organisation: form.organisation,
    yearsInPractice: years === "" ? null : Number(years),
    expertise: parseTags(form.expertise),
    interests: parseTags(form.interests),
    askMeAbout: form.askMeAbout,
    bio: form.bio,
    location: form.location,
    timeZone: form.timeZone,
    contact: form.contact,
    dietary: form.dietary,
    accessNeeds: form.accessNeeds,
    birthday: form.birthMonth && form.birthDay ? `${form.birthMonth}-${form.birthDay}` : "",
    celebrateBirthday: form.celebrateBirthday,
    // "community" is the default, and only exceptions are stored, except for the fields kept
    // to the leads by default, whose choice is always written.
    visibility: Object.fromEntries(Object.entries(form.visibility).filter(([f, v]) => v !== "community" || leadsByDefault.includes(f))),
  };
}
