import { describe, expect, it } from "vitest";
import { blankArtefact, byKind, madeLabel, parseSizes } from "./artefacts";
import type { Artefact } from "../bindings";

describe("artefacts", () => {
  it("says a date at the precision it was given, with how people say it", () => {
    expect(madeLabel({ originalDate: "2019", dateDescription: "" })).toBe("2019");
    expect(madeLabel({ originalDate: "2019-06", dateDescription: "summer 2019" })).toBe("June 2019 · summer 2019");
    expect(madeLabel({ originalDate: "2019-06-21", dateDescription: "" })).toBe("21 June 2019");
    expect(madeLabel({ originalDate: "", dateDescription: "long ago" })).toBe("long ago");
  });

  it("groups by kind in the grid's order and leaves out empty kinds", () => {
    const a = (kind: Artefact["kind"], name: string) => ({ ...blankArtefact(kind), name, id: name }) as unknown as Artefact;
    const groups = byKind([a("garment", "Shirt"), a("song", "Round"), a("song", "Anthem")]);
    expect(groups.map((g) => [g.kind, g.items.map((i) => i.name)])).toEqual([
      ["song", ["Round", "Anthem"]],
      ["garment", ["Shirt"]],
    ]);
  });

  it("reads sizes typed with commas or lines, once each", () => {
    expect(parseSizes("S, M,\nL, M ,, ")).toEqual(["S", "M", "L"]);
  });
});
