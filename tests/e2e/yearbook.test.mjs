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
