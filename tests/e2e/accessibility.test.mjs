// Accessibility, checked by axe-core (Deque's engine, the one browsers' audits use) injected
// into the real window: every section, every tab inside them, a profile, an initiative and a
// story, the photo viewer and the confirmation dialog, in the light and the dark theme, with
// no serious or critical violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { button, demoSections, launch, navigate, openDemo, openSection, scratch, waitForText } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The serious and critical violations on the page as it is now, one line each. */
async function violations(browser) {
  await browser.execute(axeSource);
  const found = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((result) =>
        done(
          result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`),
        ),
      )
      .catch((error) => done([`axe failed: ${error}`]));
  });
  return found;
}

/** Opens `tab` of the section open now (tabs are WAI-ARIA tabs: role="tab"). */
async function openTab(browser, tab) {
  const button = await browser.$(`button[role="tab"]=${tab}`);
  await button.waitForClickable({ timeoutMsg: `no tab "${tab}"` });
  await button.click();
}

/** Screens inside the sections: each tab, a member's, an initiative's and a story's page. */
const inner = [
  ...[["People", ["Stories", "Celebrations", "Care notes"]], ["Memories", ["Moments", "Albums", "History", "Yearbook", "To review"]], ["Initiatives", ["List", "For you", "Community questions", "History"]], ["Rituals & artefacts", ["Artefacts", "Badges"]]].flatMap(
    ([section, tabs]) =>
      tabs.map((tab) => [
        `${section} → ${tab}`,
        async (browser) => {
          await navigate(browser, section);
          await openTab(browser, tab);
        },
      ]),
  ),
  [
    "a member's profile",
    async (browser) => {
      await (await browser.$("button.me")).click();
      await waitForText(browser, "Amara Okafor");
    },
  ],
  [
    "an initiative's page",
    async (browser) => {
      await navigate(browser, "Initiatives");
      await (await browser.$("button.title")).click();
      await (await browser.$("button.back")).waitForExist({ timeoutMsg: "the initiative did not open" });
    },
  ],
  [
    "a story",
    async (browser) => {
      await navigate(browser, "People");
      await openTab(browser, "Stories");
      await (await button(browser, "My grandmother's pill box")).click();
      await browser.$("article h2").waitForExist({ timeoutMsg: "the story did not open" });
    },
  ],
];

test("every section, tab, page and dialog passes axe-core in the light and the dark theme", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    const report = {};
    for (const theme of ["light", "dark"]) {
      await browser.execute((value) => document.documentElement.setAttribute("data-theme", value), theme);
      for (const [label, title] of demoSections) {
        await openSection(browser, label, title);
        report[`${theme} ${label}`] = await violations(browser);
      }
      for (const [label, open] of inner) {
        await open(browser);
        await browser.pause(400);
        report[`${theme} ${label}`] = await violations(browser);
      }
      await navigate(browser, "Memories");
      await waitForText(browser, "photos ·");
      await (await browser.$('[role="grid"] img')).click();
      await browser.$('[role="dialog"]').waitForExist({ timeoutMsg: "the photo viewer did not open" });
      await browser.pause(300);
      report[`${theme} photo viewer`] = await violations(browser);
      await browser.keys("Escape");

      // The confirmation dialog, as closing the open pulse round asks it.
      await navigate(browser, "Community pulse");
      await (await button(browser, "Close the round and publish the results")).click();
      await browser.$("dialog[open]").waitForExist({ timeoutMsg: "the confirmation did not open" });
      await browser.pause(300);
      report[`${theme} confirmation dialog`] = await violations(browser);
      await browser.keys("Escape");
      await browser.$("dialog[open]").waitForExist({ reverse: true, timeoutMsg: "Escape did not close the confirmation" });
    }
    for (const [screen, found] of Object.entries(report)) console.log(`${screen}: ${found.length ? found.join("; ") : "none"}`);
    const failing = Object.entries(report).filter(([, found]) => found.length);
    assert.equal(Object.keys(report).length, 2 * 27, "every screen was judged in both themes");
    assert.deepEqual(failing, [], "no serious or critical accessibility violation on any screen");
  } finally {
    await app.close();
  }
});
