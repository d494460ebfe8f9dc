// Keyboard only, as someone who cannot use a mouse: create a community, propose an initiative,
// write a story, import a photo through the system's file dialog, open and answer a pulse round.
// Every step moves with Tab, Shift+Tab, the arrow keys, Enter and Space, never a click, and at
// every stop the focused control has a focus ring that can be seen: an outline at least 2 px
// wide with at least 3:1 contrast against what surrounds it (WCAG 2.2, 2.4.7 and 1.4.11).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "webdriverio";
import { launch, scratch, screenshot, waitForText } from "./harness.mjs";

/** What has the keyboard focus: its accessible name, and a problem with its focus ring, if any. */
async function focused(browser) {
  return browser.execute(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return { name: "", tag: "body", ring: "nothing has the focus" };
    const label = element.labels?.[0]?.textContent;
    const name = (element.getAttribute("aria-label") || label || element.textContent || element.getAttribute("placeholder") || "")
      .replace(/\s+/g, " ")
      .trim();
    const channels = (colour) => (colour.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]) => {
      const linear = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    };
    // The ring sits 2 px outside the control: it is seen against the nearest opaque background.
    let around = [255, 255, 255];
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = channels(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] > 0.5) {
        around = colour;
        break;
      }
    }
    const style = getComputedStyle(element);
    let ring = null;
    if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) {
      ring = `no visible outline (${style.outlineStyle} ${style.outlineWidth})`;
    } else {
      const [a, b] = [luminance(channels(style.outlineColor)), luminance(around)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 3) ring = `its outline has ${ratio.toFixed(2)}:1 contrast (under 3:1)`;
    }
    return { name: name.slice(0, 80), tag: element.tagName.toLowerCase(), ring };
  });
}

/** Presses Tab (or Shift+Tab) until the focus is on `wanted` (a name or a pattern), checking the ring at every stop. */
async function tabTo(browser, wanted, { back = false, max = 60 } = {}) {
  const path = [];
  for (let i = 0; i < max; i++) {
    if (back) await browser.action("key").down(Key.Shift).down(Key.Tab).up(Key.Tab).up(Key.Shift).perform();
    else await browser.keys([Key.Tab]);
    const now = await focused(browser);
    path.push(now.name || now.tag);
    assert.equal(now.ring, null, `the focus on "${now.name}" (${now.tag}) can be seen`);
    if (typeof wanted === "string" ? now.name === wanted : wanted.test(now.name)) return now;
  }
  throw new Error(`"${wanted}" was not reached with ${back ? "Shift+Tab" : "Tab"}; the focus went through: ${path.join(" | ")}`);
}

/** Tabs back to the sidebar and opens `section`. */
async function openSectionByKeyboard(browser, section) {
  await tabTo(browser, new RegExp(`^${section}$`), { back: true, max: 120 });
  await browser.keys([Key.Enter]);
  await browser.waitUntil(async () => (await browser.$("main h1").getText()).length > 0);
}

/** Whether a window titled `title` is on screen. */
function windowShown(title) {
  try {
    execFileSync("xdotool", ["search", "--onlyvisible", "--name", title]);
    return true;
  } catch {
    return false;
  }
}

/** Types into the system's file dialog as a person would: Ctrl+L, the path, Enter. */
async function chooseInFileDialog(title, path) {
  // xdotool waits for the dialog's window, gives it the keyboard and types.
  execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", title, "windowfocus", "--sync"], { timeout: 20_000 });
  execFileSync("xdotool", ["key", "--delay", "100", "ctrl+l"]);
  execFileSync("xdotool", ["type", "--delay", "30", path]);
  // The location field may first take Enter to accept its completion of the path: as a
  // person would, Enter again while the dialog is still there.
  for (let attempt = 0; attempt < 3 && windowShown(title); attempt++) {
    await new Promise((done) => setTimeout(done, 700));
    execFileSync("xdotool", ["key", "Return"]);
    await new Promise((done) => setTimeout(done, 700));
  }
  assert.equal(windowShown(title), false, "the file dialog closed with the file chosen");
}

test("keyboard only: create a community, propose, write, import, answer the pulse, with a visible focus ring throughout", async () => {
  const dirs = scratch();
  const photos = join(dirs.base, "photos");
  mkdirSync(photos);
  writeFileSync(join(photos, "picnic.jpg"), execFileSync("convert", ["-size", "640x480", "plasma:", "jpg:-"]));
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await waitForText(browser, "Welcome to Hearth");

    // A new community, from the welcome screen.
    await tabTo(browser, /^Start our community/);
    await browser.keys([Key.Enter]);
    await tabTo(browser, "Community name");
    await browser.keys("Lakeside Teachers Circle");
    await tabTo(browser, "Next: who are you?");
    await browser.keys([Key.Enter]);
    await tabTo(browser, "Your name");
    await browser.keys("Ines Duarte");
    await tabTo(browser, "Create community");
    await screenshot(browser, "keyboard-create");
    await browser.keys([Key.Enter]);
    await waitForText(browser, "Welcome back, Ines");

    // An initiative, proposed.
    await openSectionByKeyboard(browser, "Initiatives");
    await tabTo(browser, "Propose an initiative");
    await browser.keys([Key.Enter]);
    await tabTo(browser, "What do you want to do?");
    await browser.keys("A reading circle for new teachers");
    await tabTo(browser, "The difference it should make, and why it matters to you");
    await browser.keys("New teachers would have somewhere to bring their first year.");
    await tabTo(browser, "Propose");
    await browser.keys([Key.Enter]);
    await waitForText(browser, "A reading circle for new teachers");

    // A story, written: People, then the Stories tab with the arrow key.
    await openSectionByKeyboard(browser, "People");
    await tabTo(browser, "Directory");
    await browser.keys([Key.ArrowRight]);
    assert.equal((await focused(browser)).name, "Stories", "the arrow key moves to the next tab");
    await waitForText(browser, "Write a story");
    await tabTo(browser, "Write a story");
    await browser.keys([Key.Enter]);
    await tabTo(browser, "Title");
    await browser.keys("The first parents' evening");
    await tabTo(browser, "Your story");
    await browser.keys("I was terrified, and a colleague sat beside me the whole evening.");
    // A radio group is one stop: the arrow key moves to the other choice and takes it.
    await tabTo(browser, /^Personal/);
    await browser.keys([Key.ArrowDown]);
    assert.match((await focused(browser)).name, /^About learning/, "the arrow key chose the other kind");
    await tabTo(browser, "Share story");
    await screenshot(browser, "keyboard-story");
    await browser.keys([Key.Enter]);
    await browser.$("article").$("h2=The first parents' evening").waitForExist({ timeoutMsg: "the story was not shared" });

    // A photo, imported through the system's file dialog, reached and answered by keyboard.
    await openSectionByKeyboard(browser, "Memories");
    await tabTo(browser, "Import photos…");
    await browser.keys([Key.Enter]);
    await chooseInFileDialog("Import photos and videos", join(photos, "picnic.jpg"));
    await waitForText(browser, "Import finished: 1 imported", { timeout: 60_000 });

    // A pulse round, opened and answered: the slider moves with the arrow keys.
    await openSectionByKeyboard(browser, "Community pulse");
    await tabTo(browser, "Open a round");
    await browser.keys([Key.Enter]);
    await tabTo(browser, "Name");
    await browser.keys("First term");
    await tabTo(browser, "Open it");
    await browser.keys([Key.Enter]);
    const round = await browser.$('section[aria-label="First term"]');
    await round.waitForExist({ timeoutMsg: "the round was not opened" });
    const slider = await tabTo(browser, /, now$/);
    // Two presses, one at a time (two in one WebDriver call arrive as one).
    await browser.keys([Key.ArrowRight]);
    await browser.keys([Key.ArrowRight]);
    await browser.waitUntil(async () => (await browser.execute(() => document.activeElement.getAttribute("aria-valuetext"))) === "7 of 10", {
      timeoutMsg: `"${slider.name}" did not go two steps up from 5`,
    });
    await tabTo(browser, "Send my answer");
    await screenshot(browser, "keyboard-pulse");
    await browser.keys([Key.Enter]);
    await browser.waitUntil(async () => /1 of \d+ answered/.test(await round.getText()), { timeoutMsg: "the answer was not counted" });
  } finally {
    await app.close();
  }
});
