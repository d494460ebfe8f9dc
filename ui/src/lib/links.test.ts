import { describe, expect, it } from "vitest";
import { webLink } from "./links";

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
    ]) {
      expect(webLink(other), other).toBeNull();
    }
  });
});
