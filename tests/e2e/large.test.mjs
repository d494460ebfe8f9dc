// A 100,000-item gallery in the real window: the grid lays it all out, keeps only the rows
// near the viewport in the page, and loads thumbnails wherever it is scrolled to.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { hearth, launch, navigate, scratch, screenshot } from "./harness.mjs";

const cells = (browser) => browser.execute(() => document.querySelectorAll('[role="gridcell"]').length);

/** Resident memory of the window's web process, in MB (for the log, not asserted). */
function webProcessMegabytes() {
  try {
    const out = execFileSync("ps", ["-C", "WebKitWebProcess", "-o", "rss="], { encoding: "utf8" });
    return Math.round(out.trim().split(/\s+/).map(Number).reduce((a, b) => a + b, 0) / 1024);
  } catch {
    return null;
  }
}

test("a 100,000-item library scrolls with a bounded page", async () => {
  const dirs = scratch();
  hearth("bench", "fill", dirs.library, "--media", "100000");
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Memories");
    const grid = await browser.$('[role="grid"]');
    await grid.waitForExist();
    await browser.waitUntil(async () => (await grid.getAttribute("data-total")) === "100000", {
      timeoutMsg: "the grid did not lay out 100,000 items",
    });
    const atTop = await cells(browser);
    const before = webProcessMegabytes();
    // Scrolling rewrites the same elements (making and dropping them cost WebKit ~90 MB over a
    // whole scroll): after ten screens, the cells in the page are the ones that were there
    // before, bar a row that comes and goes as the rows near the viewport number one more or less.
    // (Marked a few screens down: at the top there is no overscan above, so fewer rows.)
    for (let screen = 0; screen < 13; screen++) {
      if (screen === 3) {
        await browser.execute(() => document.querySelectorAll('[role="gridcell"]').forEach((cell) => (cell.dataset.seen = "1")));
      }
      await browser.execute(() => {
        const scroller = document.querySelector('[role="grid"]');
        scroller.scrollTop += scroller.clientHeight;
        scroller.dispatchEvent(new Event("scroll"));
      });
      await browser.waitUntil(() => browser.execute(() => !document.querySelector('[role="grid"] .row:not([hidden]) .placeholder')), {
        timeoutMsg: `the cells ${screen + 1} screens down did not load`,
      });
    }
    const fresh = await browser.execute(() => document.querySelectorAll('[role="gridcell"]:not([data-seen])').length);
    const perRow = await browser.execute(() => document.querySelector('[role="grid"] [role="row"]:has([role="gridcell"])').children.length);
    assert.ok(fresh <= perRow, `${fresh} cells were made anew over ten screens instead of reused (a row is ${perRow})`);
    // Reused cells name the photos they now show: each its own minute in this library.
    const names = await browser.execute(() =>
      [...document.querySelectorAll('[role="grid"] .row:not([hidden]) [role="gridcell"]')].map((c) => c.getAttribute("aria-label")),
    );
    assert.ok(names.every((name) => name && name !== "Loading"), `every cell shown names its photo: ${names.slice(0, 3)}`);
    assert.equal(new Set(names).size, names.length, `no two cells shown name the same photo: ${names.join(" | ")}`);
    // A focused cell whose elements go to another photo does not keep the focus: Enter must
    // never open a photo nobody chose.
    const chosen = await browser.execute(() => {
      const cell = document.querySelector('[role="grid"] .row:not([hidden]) [role="gridcell"]:not([disabled])');
      cell.focus();
      return cell.dataset.id;
    });
    for (const fraction of [0.25, 0.5, 0.75, 1]) {
      await browser.execute((f) => {
        const scroller = document.querySelector('[role="grid"]');
        scroller.scrollTop = f * (scroller.scrollHeight - scroller.clientHeight);
        scroller.dispatchEvent(new Event("scroll"));
      }, fraction);
      await browser.waitUntil(
        async () =>
          browser.execute(() => {
            const scroller = document.querySelector('[role="grid"]');
            const top = scroller.getBoundingClientRect().top + 80;
            const img = [...scroller.querySelectorAll("img")].find((i) => i.getBoundingClientRect().top > top);
            return !!img && img.complete && img.naturalWidth > 0;
          }),
        { timeoutMsg: `no thumbnail loaded at ${fraction * 100}% of the grid` },
      );
      if (fraction === 0.25) {
        const focused = await browser.execute(() => ({
          cell: document.activeElement?.getAttribute("role") === "gridcell",
          id: document.activeElement?.dataset.id ?? null,
        }));
        assert.ok(!focused.cell || focused.id === chosen, `the focus stayed on a cell now showing ${focused.id}, not ${chosen}`);
      }
      const count = await cells(browser);
      assert.ok(count > 0 && count < 400, `${count} cells in the page at ${fraction * 100}% (only rows near the viewport)`);
    }
    const after = webProcessMegabytes();
    console.log(`cells at top: ${atTop}; web process memory: ${before} MB before scrolling, ${after} MB after`);
    await screenshot(browser, "large-gallery-end");
  } finally {
    await app.close();
  }
});

test("a video plays in the lightbox, served in ranges over loopback", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Memories");
    const badge = await browser.$(".cell .badge");
    await badge.waitForExist({ timeoutMsg: "the demo's video is not in the grid" });
    await (await badge.parentElement()).click();
    const video = await browser.$('[role="dialog"] video');
    await video.waitForExist({ timeoutMsg: "the lightbox shows no video player" });
    await browser.waitUntil(async () => (await browser.execute((v) => v.readyState, video)) >= 1, {
      timeout: 20_000,
      timeoutMsg: "the video metadata never loaded from the loopback video server",
    });
    const seconds = await browser.execute((v) => v.duration, video);
    assert.ok(Math.abs(seconds - 2) < 0.3, `the 2 s demo video reports ${seconds} s`);
    await screenshot(browser, "gallery-video");
  } finally {
    await app.close();
  }
});
