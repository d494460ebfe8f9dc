// A portrait set on a profile reaches the window through the hearth:// protocol, not IPC.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { byLabel, hearth, launch, root, scratch, screenshot, waitForText } from "./harness.mjs";

test("a member's portrait shows in the sidebar, the directory and their profile", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  hearth("members", "portrait", dirs.library, join(root, "icons", "128x128@2x.png"));
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await waitForText(browser, "Welcome back, Amara");
    const sidebar = await browser.$('button.me img');
    await sidebar.waitForExist({ timeoutMsg: "the sidebar shows initials, not the portrait" });
    await browser.waitUntil(async () => (await browser.execute((img) => img.naturalWidth, sidebar)) === 128, {
      timeoutMsg: "the 128 px thumbnail did not load over hearth://",
    });
    assert.match(await sidebar.getAttribute("src"), /^hearth:\/\/localhost\/thumbs\/[0-9a-f]{64}$/);

    await (await browser.$('button.me')).click();
    const large = await browser.$("header.head img");
    await large.waitForExist();
    await browser.waitUntil(async () => (await browser.execute((img) => img.naturalWidth, large)) === 256, {
      timeoutMsg: "the profile did not load the full portrait (a 256 px source stays 256 px)",
    });
    const traversal = await browser.executeAsync((done) => {
      const img = new Image();
      img.onload = () => done("loaded");
      img.onerror = () => done("refused");
      img.src = "hearth://localhost/blobs/..%2F..%2Fhearth.db";
    });
    assert.equal(traversal, "refused", "the protocol serves nothing but stored images");
    await screenshot(browser, "portrait-profile");
  } finally {
    await app.close();
  }
});
