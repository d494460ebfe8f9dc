import { describe, expect, it } from "vitest";
import { describeInvitation } from "./invitation";

const encode = (value: object) =>
  "hearth-invite:" +
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

describe("invitation codes", () => {
  it("show the community, the newcomer and the target before joining", () => {
    const code = encode({ community: "Rivière Circle", name: "Rita", target: "/media/usb/circle", secret: "x" });
    expect(describeInvitation(code)).toEqual({ community: "Rivière Circle", name: "Rita", target: "/media/usb/circle" });
    // Pasted with line breaks from an email still reads.
    expect(describeInvitation(code.slice(0, 30) + "\n" + code.slice(30))?.name).toBe("Rita");
  });

  it("are not mistaken in something else or a cut-off code", () => {
    expect(describeInvitation("hello")).toBeNull();
    expect(describeInvitation(encode({ community: "C", name: "R" }).slice(0, 25))).toBeNull();
  });
});
