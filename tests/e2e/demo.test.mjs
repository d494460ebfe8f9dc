// The demo community: open it from the welcome screen, visit every section, switch theme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { button, launch, navigate, openDemo, scratch, screenshot, waitForText } from "./harness.mjs";

const sections = [
  ["People", "People", "Amara Okafor"],
  ["Memories", "Memories", "photos"],
  ["Initiatives", "Initiatives", "Falls clinic in the community hall"],
  ["Rituals & artefacts", "Rituals", "Second-Friday dinner"],
  ["Community pulse", "Community pulse", "Identification"],
  ["Settings", "Settings", "Library version"],
  ["Home", "Riverside Care Learning Circle", "People to get to know"],
];

test("the demo community opens and every section can be visited", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    assert.equal(await browser.$("main h1").getText(), "Riverside Care Learning Circle");
    // Home greets with the community's pictures (this day's, or the latest moment's).
    await browser.$("section.greeting .pictures img").waitForExist({ timeoutMsg: "Home shows no pictures" });
    const pictures = await browser.$$("section.greeting .pictures img");
    assert.ok(pictures.length >= 1, "the latest moment's photos greet everyone");
    for (const picture of pictures) assert.ok((await picture.getAttribute("alt")).length > 0, "each picture says what it is");
    await screenshot(browser, "demo-home");

    for (const [label, title, text] of sections) {
      const link = await navigate(browser, label);
      await browser.waitUntil(async () => (await browser.$("main h1").getText()) === title, {
        timeoutMsg: `${label} did not open (heading ${await browser.$("main h1").getText()})`,
      });
      await waitForText(browser, text);
      assert.equal(await link.getAttribute("aria-current"), "page", `${label} is marked as the current section`);
      await screenshot(browser, `demo-${label.toLowerCase().replace(/[^a-z]+/g, "-")}`);
    }

    // People can be searched.
    await navigate(browser, "People");
    const search = await browser.$("aria/Search people");
    await search.setValue("pharmac");
    await browser.waitUntil(async () => (await browser.$("main p[role=status]").getText()) === "2 of 32 people", {
      timeoutMsg: "searching for a profession did not narrow the directory to two people",
    });
    const names = await browser.execute(() =>
      [...document.querySelectorAll('ul[aria-label="Members"] h3 button')].map((b) => b.textContent).sort(),
    );
    assert.deepEqual(names, ["Mei Lin Chen", "Yusuf Demir"], "search matches professions");
  } finally {
    await app.close();
  }
});

test("the theme switches between light and dark and is remembered", async () => {
  const dirs = scratch();
  let app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    await navigate(browser, "Settings");
    await (await browser.$("aria/Dark")).click();
    await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.dataset.theme)) === "dark", {
      timeoutMsg: "choosing Dark did not darken the window",
    });
    await navigate(browser, "Home");
    await screenshot(browser, "theme-dark-home");
  } finally {
    await app.close();
  }
  app = await launch(dirs, { library: null });
  try {
    const { browser } = app;
    await waitForText(browser, "Welcome back, Amara", { timeout: 15_000 });
    const theme = await browser.execute(() => document.documentElement.dataset.theme);
    assert.equal(theme, "dark", "the chosen theme and the last library survive a restart");
  } finally {
    await app.close();
  }
});
