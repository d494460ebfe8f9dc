// How the window honours a person's display needs: less motion when their computer asks for it
// (GTK's "enable animations" off, which WebKitGTK reports as prefers-reduced-motion), and text
// at twice its size with nothing clipped or lost (WCAG 2.2, 1.4.4 Resize Text).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "webdriverio";
import { demoSections, launch, navigate, openDemo, openSection, scratch, screenshot, waitForText } from "./harness.mjs";

/** The page's motion: whether reduced motion is asked for, and a button's transition. */
async function motion(browser) {
  return browser.execute(() => ({
    reduced: window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    transition: getComputedStyle(document.querySelector("button")).transitionDuration,
  }));
}

test("with animations off on the computer, the window runs no transitions", async () => {
  const dirs = scratch();
  // GTK reads this file when no settings daemon runs (as under Xvfb); a desktop's
  // "reduce animation" switch sets the same setting.
  mkdirSync(join(dirs.config, "gtk-3.0"));
  writeFileSync(join(dirs.config, "gtk-3.0", "settings.ini"), "[Settings]\ngtk-enable-animations=false\n");
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    const { reduced, transition } = await motion(browser);
    assert.equal(reduced, true, "WebKitGTK reports the computer's wish as prefers-reduced-motion");
    assert.equal(transition, "0s", "no transition runs under reduced motion");
  } finally {
    await app.close();
  }
});

/** Elements that hide part of their content: clipped (overflow hidden) and overflowing. */
async function clipped(browser) {
  return browser.execute(() => {
    const found = [];
    for (const element of document.querySelectorAll("main *, nav *")) {
      const style = getComputedStyle(element);
      const clips = (axis) => ["hidden", "clip"].includes(axis);
      const wide = clips(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
      const tall = clips(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
      // Only text that is cut off counts; a picture cropped to its frame is meant to be.
      if ((wide || tall) && element.textContent.trim() && !element.closest('[role="grid"], .visually-hidden')) {
        found.push(`${element.tagName.toLowerCase()}.${element.className} "${element.textContent.trim().slice(0, 40)}"`);
      }
    }
    return found;
  });
}

test("text at 200 %, from Settings and from the keyboard, loses nothing on any section", async () => {
  const dirs = scratch();
  let app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    assert.equal((await motion(browser)).reduced, false, "by default the computer asks for no less motion");

    await navigate(browser, "Settings");
    // The choice is clicked once Settings is in place, not on the page it replaces.
    await waitForText(browser, "Ctrl with plus or minus changes it from anywhere");
    await (await browser.$(`input[name="text-size"][value="200"]`)).click();
    const rootSize = () => browser.execute(() => getComputedStyle(document.documentElement).fontSize);
    await browser.waitUntil(async () => (await rootSize()) === "30px", { timeoutMsg: "the text did not grow to 200 %" });
    // Ctrl and minus, then Ctrl and 0, as in a browser; Ctrl and plus back up.
    await browser.action("key").down(Key.Ctrl).down("-").up("-").up(Key.Ctrl).perform();
    await browser.waitUntil(async () => (await rootSize()) === "26.25px", { timeoutMsg: "Ctrl and minus did not make the text smaller" });
    await browser.action("key").down(Key.Ctrl).down("0").up("0").up(Key.Ctrl).perform();
    await browser.waitUntil(async () => (await rootSize()) === "15px", { timeoutMsg: "Ctrl and 0 did not bring the text back to normal" });
    await browser.action("key").down(Key.Ctrl).down("=").up("=").up(Key.Ctrl).perform();
    await browser.waitUntil(async () => (await rootSize()) === "18.75px", { timeoutMsg: "Ctrl and plus did not make the text larger" });
    await (await browser.$(`input[name="text-size"][value="200"]`)).click();
    await browser.waitUntil(async () => (await rootSize()) === "30px");

    const report = {};
    for (const [section, title] of demoSections) {
      await openSection(browser, section, title);
      report[section] = await clipped(browser);
      if (section === "Home" || section === "Memories") await screenshot(browser, `text-200-${section.toLowerCase()}`);
    }
    for (const [section, found] of Object.entries(report)) console.log(`200 % ${section}: ${found.length ? found.join("; ") : "nothing clipped"}`);
    assert.deepEqual(Object.entries(report).filter(([, found]) => found.length), [], "no text is cut off at 200 %");

    // The size is kept for the next start.
    await app.close();
    app = await launch(dirs, { library: null });
    await waitForText(app.browser, "Welcome back, Amara");
    assert.equal(await app.browser.execute(() => getComputedStyle(document.documentElement).fontSize), "30px", "the size is kept");
  } finally {
    await app.close();
  }
});
