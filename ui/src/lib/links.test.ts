import { describe, expect, it } from "vitest";
import cases from "../../../tests/cases/links.json";
import { leavingQuestion, recipients, webLink } from "./links";

// The same cases the shell's test reads (src-tauri/src/opening.rs), so the window's rule and
// the shell's rule cannot drift apart.
describe("webLink", () => {
  it("lets web and mail addresses go to the browser", () => {
    for (const link of cases.opened) expect(webLink(link), link).toBe(new URL(link).href);
  });

  it("refuses anything else, and a link that reads as one place and goes to another", () => {
    expect(cases.refused.length, "the shared cases were read").toBeGreaterThan(10);
    for (const { link, why } of cases.refused) expect(webLink(link), `${link}: ${why}`).toBeNull();
  });

  it("names every recipient of a mail link, decoded", () => {
    const url = new URL("mailto:a@example.org,%20j%C3%BCrgen@example.org?to=c@example.org&cc=d@example.org&bcc=e@example.org");
    expect(recipients(url)).toEqual(["a@example.org", "jürgen@example.org", "c@example.org", "d@example.org"]);
    expect(webLink(url.href), "a legitimate address with an accent opens").toBe(url.href);
  });

  it("asks before a link leaves, naming where it goes", () => {
    expect(leavingQuestion("https://example.org/x")).toEqual({
      question: "Open https://example.org/x in your web browser? It leaves Hearth.",
      button: "Open in browser",
      program: "web browser",
    });
    expect(leavingQuestion("mailto:a@example.org?cc=j%C3%BCrgen@example.org").question).toBe(
      "Write to a@example.org, jürgen@example.org in your mail program? It leaves Hearth.",
    );
    expect(leavingQuestion("mailto:?subject=Hi").question, "no recipient yet").toBe(
      "Write a new message in your mail program? It leaves Hearth.",
    );
  });
});
