// Two laptops, one shared folder: a proposal made on another laptop (driven by the CLI)
// appears in the window after Settings → Sync now.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

test("a proposal made on another laptop arrives with Sync now", async () => {
  const dirs = scratch();
  const shared = join(dirs.base, "shared folder");
  const other = join(dirs.base, "other laptop");
  hearth("demo", dirs.library);
  hearth("sync", dirs.library, "--target", shared);
  hearth("join", other, "--target", shared, "--me", "Rita Remote");
  hearth("initiatives", "propose", other, "--title", "Allotment for the ward", "--difference", "Patients and staff growing food together");
  hearth("sync", other);

  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    const folder = await byLabel(browser, "Shared folder");
    assert.equal(await folder.getValue(), shared, "the folder synced with last is remembered");
    await (await button(browser, "Sync now")).click();
    await waitForText(browser, "changes applied", { timeout: 30_000 });
    const status = await (await browser.$('[role="status"]')).getText();
    // Rita's laptop wrote two batches: her profile when she joined, then her proposal.
    assert.match(status, /Read 2 batches from others: [1-9]\d* changes applied/, status);
    await screenshot(browser, "sync-settings");

    await navigate(browser, "Initiatives");
    await waitForText(browser, "Allotment for the ward");
    await navigate(browser, "People");
    await waitForText(browser, "Rita Remote");
  } finally {
    await app.close();
  }
});
