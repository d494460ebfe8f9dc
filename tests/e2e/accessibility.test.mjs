// Accessibility, checked by axe-core (Deque's engine, the one browsers' audits use) injected
// into the real window: every section, and the photo viewer, in the light and the dark theme,
// with no serious or critical violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, navigate, openDemo, scratch, waitForText } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const sections = [
  ["Home", "Riverside Care Learning Circle"],
  ["People", "People"],
  ["Memories", "Memories"],
  ["Initiatives", "Initiatives"],
  ["Rituals & artefacts", "Rituals"],
  ["Community pulse", "Community pulse"],
  ["Community health", "Community health"],
  ["Settings", "Settings"],
];

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

test("every section and the photo viewer pass axe-core in the light and the dark theme", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    const report = {};
    for (const theme of ["light", "dark"]) {
      await browser.execute((value) => document.documentElement.setAttribute("data-theme", value), theme);
      for (const [label, title] of sections) {
        await navigate(browser, label);
        await browser.waitUntil(async () => (await browser.$("main h1").getText()) === title, {
          timeoutMsg: `${label} did not open`,
        });
        // Let the section's data arrive before judging it.
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
    }
    for (const [screen, found] of Object.entries(report)) console.log(`${screen}: ${found.length ? found.join("; ") : "none"}`);
    const failing = Object.entries(report).filter(([, found]) => found.length);
    assert.deepEqual(failing, [], "no serious or critical accessibility violation on any screen");
  } finally {
    await app.close();
  }
});
