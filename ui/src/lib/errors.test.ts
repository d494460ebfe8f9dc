import { describe, expect, it } from "vitest";
import type { ErrorCode, TargetProblem } from "./bindings";
import { explain, fieldMessage } from "./errors";

describe("explain", () => {
  it("gives every code a title and a next step", () => {
    const codes: ErrorCode[] = ["notFound", "invalid", "notALibrary", "alreadyExists", "corrupt", "readOnly", "forbidden", "noIdentity", "noLibrary", "io", "internal", "target"];
    for (const code of codes) {
      const { title, nextStep } = explain({ code, message: "m", field: null, target: null });
      expect(title.length, code).toBeGreaterThan(3);
      expect(nextStep.length, code).toBeGreaterThan(3);
    }
  });

  it("offers a way on from a library that cannot be opened", () => {
    expect(explain({ code: "corrupt", message: "", field: null, target: null }).nextStep).toMatch(/Open another library/);
    expect(explain({ code: "notALibrary", message: "", field: null, target: null }).nextStep).toMatch(/start a new community/);
  });

  it("tells an unplugged drive from a folder that is not a sync target, by code", () => {
    const target = (problem: TargetProblem) => explain({ code: "target", message: "same text", field: "target", target: problem });
    expect(target("unreachable").title).toBe("The folder is out of reach");
    expect(target("notATarget").title).toBe("That is not a sync target");
    expect(target("needsInvitation").nextStep).toMatch(/invitation/);
  });
});

describe("fieldMessage", () => {
  it("shows a message only beside the field it is about", () => {
    const error = { code: "invalid" as const, message: "The community needs a name.", field: "name", target: null };
    expect(fieldMessage(error, "name")).toBe("The community needs a name.");
    expect(fieldMessage(error, "description")).toBeNull();
    expect(fieldMessage({ ...error, code: "corrupt" }, "name")).toBeNull();
    expect(fieldMessage(null, "name")).toBeNull();
  });
});
