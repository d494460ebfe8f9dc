import { describe, expect, it } from "vitest";
import { recipients, webLink } from "./links";

describe("webLink", () => {
  it("lets web and mail addresses go to the browser, and nothing else", () => {
    expect(webLink("https://example.org/x")).toBe("https://example.org/x");
    expect(webLink("mailto:ada@example.org")).toBe("mailto:ada@example.org");
    for (const other of ["javascript:alert(1)", "file:///etc/passwd", "settings", "//evil.example/x", "tauri://localhost/"]) {
      expect(webLink(other), other).toBeNull();
    }
  });

  it("refuses a link that reads as one place and goes to another", () => {
    for (const other of [
      "https://bank.example@elsewhere.example/",
      "https://bank.example:pin@elsewhere.example/",
      "mailto:lead@ward.example is the lead",
      "mailto:lead@ward.example%20is%20the%20lead",
      "mailto:lead@ward.example%0Ais%20the%20lead",
      "mailto:%E2%80%AEelpmaxe.draw@dael",
      "mailto:lead@ward.example?cc=a%20b@elsewhere.example",
      "mailto:lead@ward.example%E0",
    ]) {
      expect(webLink(other), other).toBeNull();
    }
  });

  it("names every recipient of a mail link, decoded", () => {
    const url = new URL("mailto:a@example.org,%20j%C3%BCrgen@example.org?to=c@example.org&cc=d@example.org&bcc=e@example.org");
    expect(recipients(url)).toEqual(["a@example.org", "jürgen@example.org", "c@example.org", "d@example.org"]);
    expect(webLink(url.href), "a legitimate address with an accent opens").toBe(url.href);
  });
});
