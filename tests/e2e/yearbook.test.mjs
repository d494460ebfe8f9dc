// The yearbook opens in a plain browser with JavaScript off (WebKit's MiniBrowser driven by
// WebKitWebDriver): every image loads from the folder, and the chapters are there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";
import { hearth, scratch, screenshot } from "./harness.mjs";

// WebKitGTK's own small browser, installed with the web view the app is drawn in.
const miniBrowser = ["x86_64-linux-gnu", "aarch64-linux-gnu"]
  .map((arch) => `/usr/lib/${arch}/webkit2gtk-4.1/MiniBrowser`)
  .find((path) => existsSync(path));

async function freePort() {
  return new Promise((done) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

test("the demo's yearbook opens with JavaScript off and every image loads", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const out = join(dirs.base, "books");
  mkdirSync(out);
  hearth("yearbook", dirs.library, "2025", "--out", out);
  const folder = join(out, readdirSync(out).find((name) => !name.startsWith(".")));
  const port = await freePort();
  const driver = spawn("WebKitWebDriver", [`--port=${port}`], { stdio: "ignore" });
  await sleep(500);
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "webkitgtk:browserOptions": { binary: miniBrowser, args: ["--automation", "--enable-javascript=false"] },
    },
  });
  try {
    await browser.url(`file://${join(folder, "index.html")}`);
    await browser.$("h1").waitForExist({ timeoutMsg: "the book did not open" });
    assert.equal(await browser.$("h1").getText(), "Riverside Care Learning Circle");
    const chapters = await browser.$$("nav li");
    assert.ok(chapters.length >= 3, `only ${chapters.length} chapters`);
    const images = await browser.$$("img");
    assert.ok(images.length > 0, "the book has photos");
    for (const image of images) {
      await image.scrollIntoView();
      const { height } = await image.getSize();
      assert.ok(height > 20, `${await image.getAttribute("src")} did not load (height ${height})`);
    }
    await browser.$("h1").scrollIntoView();
    await screenshot(browser, "yearbook-cover");
    await images[0].scrollIntoView();
    await screenshot(browser, "yearbook-photos");
  } finally {
    await browser.deleteSession().catch(() => {});
    driver.kill("SIGTERM");
  }
});

test("a member asks not to be featured in memories and the yearbook, and it stays asked", async () => {
  const { launch, navigate, waitForText } = await import("./harness.mjs");
  const dirs = scratch();
  hearth("demo", dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Memories");
    const tab = async (name) => {
      for (const button of await browser.$$('button[role="tab"]')) {
        if ((await button.getText()).startsWith(name)) return button.click();
      }
      throw new Error(`no ${name} tab`);
    };
    await tab("To review");
    const box = await browser.$("label*=Don't feature me in memories and the yearbook");
    await box.waitForExist({ timeoutMsg: "no choice about being featured" });
    await box.click();
    await tab("Gallery");
    await tab("To review");
    await waitForText(browser, "Don't feature me in memories and the yearbook");
    const input = await (await browser.$("label*=Don't feature me in memories and the yearbook")).$("input");
    await browser.waitUntil(async () => input.isSelected(), { timeoutMsg: "the choice was not kept" });
    await screenshot(browser, "memories-not-featured");
  } finally {
    await app.close();
  }
});

test("a lead makes the demo's yearbook in the window, follows its progress and finds the folder", async () => {
  const { launch, navigate, waitForText, button } = await import("./harness.mjs");
  const { writeFileSync } = await import("node:fs");
  const dirs = scratch();
  hearth("demo", dirs.library);
  // The person's Documents folder, as xdg-user-dirs names it: where a book is saved by default.
  const documents = join(dirs.base, "Documents");
  mkdirSync(documents);
  mkdirSync(dirs.config, { recursive: true });
  writeFileSync(join(dirs.config, "user-dirs.dirs"), `XDG_DOCUMENTS_DIR="${documents}"\n`);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Memories");
    for (const tab of await browser.$$('button[role="tab"]')) {
      if ((await tab.getText()) === "Yearbook") await tab.click();
    }
    await waitForText(browser, `Saved in ${documents}`);
    // Coverage for the lead before writing: who is not yet in the book twice.
    await waitForText(browser, "Not yet in the book");
    await waitForText(browser, "Zanele Khumalo");
    await screenshot(browser, "yearbook-window");
    // Every state the page shows while the book is written, as it shows it.
    await browser.execute(() => {
      window.__seen = [];
      new MutationObserver(() => {
        const bar = document.querySelector('progress[aria-label="Yearbook progress"]');
        if (bar) window.__seen.push(`${bar.previousElementSibling?.textContent} ${bar.value}`);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await (await button(browser, "Make the 2025 yearbook")).click();
    await waitForText(browser, "The 2025 yearbook is ready", { timeout: 60_000 });
    const seen = await browser.execute(() => window.__seen);
    assert.ok(seen.some((s) => s.startsWith("Copying photos")), `the copying was shown: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((s) => s.includes("PDF")), `the PDF's progress was shown: ${JSON.stringify(seen)}`);
    const folder = join(documents, "Riverside Care Learning Circle 2025");
    await waitForText(browser, folder);
    assert.ok(existsSync(join(folder, "index.html")), "the page is in the folder shown");
    assert.ok(existsSync(join(folder, "Riverside Care Learning Circle 2025.pdf")), "and the PDF beside it");
    await (await browser.$("div.done")).scrollIntoView();
    await screenshot(browser, "yearbook-ready");
    // A second book of the same year goes beside the first, never over it.
    await (await button(browser, "Make the 2025 yearbook")).click();
    await waitForText(browser, `${folder} (2)`, { timeout: 60_000 });

    // A member hides a hard day; it is listed, and can be shown again.
    for (const tab of await browser.$$('button[role="tab"]')) {
      if ((await tab.getText()).startsWith("To review")) await tab.click();
    }
    const day = await browser.$('input[type="date"]');
    await day.waitForExist({ timeoutMsg: "no day to hide" });
    await browser.execute((input) => {
      input.value = "2025-06-14";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }, day);
    await (await button(browser, "Hide this date")).click();
    const list = await browser.$('ul[aria-label="Days you left out"]');
    await list.waitForExist({ timeoutMsg: "the day was not listed" });
    assert.match(await list.getText(), /14 June 2025|June 14, 2025/, "the day, as the laptop's language says it");
    await screenshot(browser, "memories-hidden-day");
  } finally {
    await app.close();
  }
});

test("a lead chooses the stories for the newcomers' guide, offers to welcome, and makes the guide", async () => {
  const { launch, navigate, waitForText, button } = await import("./harness.mjs");
  const { readFileSync, writeFileSync } = await import("node:fs");
  const dirs = scratch();
  hearth("demo", dirs.library);
  const documents = join(dirs.base, "Documents");
  mkdirSync(documents);
  writeFileSync(join(dirs.config, "user-dirs.dirs"), `XDG_DOCUMENTS_DIR="${documents}"\n`);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Memories");
    for (const tab of await browser.$$('button[role="tab"]')) {
      if ((await tab.getText()) === "Yearbook") await tab.click();
    }
    // The demo's lead chose three stories; a fourth is added.
    await waitForText(browser, "Stories newcomers should read first (3 of at most 5)");
    const unchosen = await browser.$('ul.stories input[type="checkbox"]:not(:checked)');
    await unchosen.click();
    await waitForText(browser, "Stories newcomers should read first (4 of at most 5)");
    await (await browser.$("label*=I'll welcome newcomers")).click();
    await browser.waitUntil(async () => (await browser.$("label*=I'll welcome newcomers").$("input")).isSelected(), {
      timeoutMsg: "the offer to welcome was not kept",
    });
    await (await button(browser, "Make the newcomers' guide")).click();
    await waitForText(browser, "The newcomers' guide is ready", { timeout: 60_000 });
    const folder = join(documents, "Riverside Care Learning Circle welcome guide");
    await waitForText(browser, folder);
    const page = readFileSync(join(folder, "index.html"), "utf8");
    assert.match(page, /Who will welcome you/);
    assert.match(page, /Amara Okafor/, "the lead who offered is named");
    assert.match(page, /The boathouse round/, "the song with its lyrics");
    assert.ok(existsSync(join(folder, "Riverside Care Learning Circle welcome guide.pdf")), "and its PDF");
    await (await browser.$("#guide-title")).scrollIntoView();
    await screenshot(browser, "yearbook-guide");
  } finally {
    await app.close();
  }
});

test("a member writes a page of their own, approves a signature and makes their own copy", async () => {
  const { launch, navigate, waitForText, button, byLabel } = await import("./harness.mjs");
  const { readFileSync, writeFileSync } = await import("node:fs");
  const dirs = scratch();
  hearth("demo", dirs.library);
  const documents = join(dirs.base, "Documents");
  mkdirSync(documents);
  writeFileSync(join(dirs.config, "user-dirs.dirs"), `XDG_DOCUMENTS_DIR="${documents}"\n`);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Memories");
    for (const tab of await browser.$$('button[role="tab"]')) {
      if ((await tab.getText()) === "Yearbook") await tab.click();
    }
    await waitForText(browser, "Your personal yearbook of 2025");
    await (await button(browser, "Page 1: not written")).click();
    await (await byLabel(browser, "Title")).setValue("The year I started singing");
    await (await byLabel(browser, "What you want to remember about 2025")).setValue("Tomás taught me the round on a Friday in April.");
    await (await button(browser, "Save page 1")).click();
    await waitForText(browser, "Saved.");
    // Tomás's signature waits for her yes; unapproved, it would not be printed.
    await waitForText(browser, "Thank you for the boathouse dinners");
    await (await button(browser, "Yes, put it in my yearbook")).click();
    await waitForText(browser, "In your yearbook.");
    await (await browser.$("label*=My personal yearbook, with my pages and signatures")).click();
    await (await button(browser, "Make my personal 2025 yearbook")).click();
    await waitForText(browser, "Your personal 2025 yearbook is ready", { timeout: 60_000 });
    const folder = join(documents, "Riverside Care Learning Circle 2025 for Amara Okafor");
    await waitForText(browser, folder);
    const page = readFileSync(join(folder, "index.html"), "utf8");
    assert.match(page, /The year I started singing/, "her page is in her copy");
    assert.match(page, /Thank you for the boathouse dinners/, "with the signature she approved");
    await (await browser.$("#own-title")).scrollIntoView();
    await screenshot(browser, "yearbook-own-copy");
  } finally {
    await app.close();
  }
});
