// Words for artefacts: kinds, dates at their precision, statuses, and a blank draft.
import type { Artefact, ArtefactDraft, Kind, NamedPerson, VersionStatus } from "../bindings";

/** Kinds in the order the grid shows them, with their names (singular, plural). */
export const kinds: { kind: Kind; one: string; many: string }[] = [
  { kind: "song", one: "Song", many: "Songs" },
  { kind: "mascot", one: "Mascot", many: "Mascots" },
  { kind: "logo", one: "Logo", many: "Logos" },
  { kind: "garment", one: "Garment or merch", many: "Garments and merch" },
  { kind: "sign", one: "Sign (pin, patch, lanyard)", many: "Signs of membership" },
  { kind: "object", one: "Object", many: "Objects" },
  { kind: "document", one: "Document", many: "Documents" },
  { kind: "other", one: "Other", many: "Other" },
];

export const statusLabels: Record<VersionStatus, string> = { idea: "Idea", choosing: "Being chosen", made: "Made", retired: "Retired" };

const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2019", "June 2019", "21 June 2019", with the date as people say it when there is one. */
export function madeLabel(draft: Pick<ArtefactDraft, "originalDate" | "dateDescription">): string {
  const [y, m, d] = draft.originalDate.split("-");
  const date = d ? `${Number(d)} ${months[Number(m) - 1]} ${y}` : m ? `${months[Number(m) - 1]} ${y}` : (y ?? "");
  return [date, draft.dateDescription].filter(Boolean).join(" · ");
}

/** Artefacts grouped by kind, in the kinds' order, leaving out kinds with none. */
export function byKind(all: Artefact[]): { kind: Kind; label: string; items: Artefact[] }[] {
  return kinds.map(({ kind, many }) => ({ kind, label: many, items: all.filter((a) => a.kind === kind) })).filter((g) => g.items.length > 0);
}

/** Names of people on a record: members and names, as written. */
export function names(people: NamedPerson[]): string {
  return people.map((p) => p.name).join(", ");
}

export function blankArtefact(kind: Kind = "song"): ArtefactDraft {
  return {
    kind,
    name: "",
    summary: "",
    creators: [],
    contributors: [],
    originalDate: "",
    dateDescription: "",
    origin: "",
    keywords: [],
    moments: [],
    rituals: [],
    lyrics: "",
    credits: [],
    visibility: "community",
  };
}

/** Sizes typed as "S, M, L" (or one a line), without blanks or repeats. */
export function parseSizes(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}

/** The draft an artefact was made from (for editing it). */
export function draftOf(a: Artefact): ArtefactDraft {
  const { kind, name, summary, creators, contributors, originalDate, dateDescription, origin, keywords, moments, rituals, lyrics, credits, visibility } = a;
  return { kind, name, summary, creators, contributors, originalDate, dateDescription, origin, keywords, moments, rituals, lyrics, credits, visibility };
}

/** An artefact's picture (at most 1600 px) and its 128 px square thumbnail, over hearth://. */
export const pictureUrl = (hash: string) => `hearth://localhost/blobs/${hash}`;
export const pictureThumbUrl = (hash: string) => `hearth://localhost/thumbs/${hash}`;
