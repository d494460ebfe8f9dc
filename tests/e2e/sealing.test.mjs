// Private by possession, as a lead meets it in the window: a new community's first target is
// encrypted unless they choose otherwise (and are told what that means), making a field more
// private says what cannot be taken back, and a library that synced before sealing existed
// lists for its leads what may have travelled in clear.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

test("a lead meets sealing in Settings and in their profile", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  // As the migration leaves a library that had synced before this version: everything it held
  // then may have travelled in clear.
  execFileSync("python3", [
    "-c",
    "import sqlite3, sys\n" +
      "c = sqlite3.connect(sys.argv[1])\n" +
      "c.execute(\"INSERT OR REPLACE INTO local_settings (key, value) SELECT 'sealing_began', max(hlc) FROM column_clocks\")\n" +
      "c.commit()",
    join(dirs.library, "hearth.db"),
  ]);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    // The box is enabled once the sync status is known, and shows it from then on.
    const encrypt = await browser.$('//label[contains(., "Encrypt everything stored there")]/input');
    await encrypt.waitForEnabled({ timeoutMsg: "the sync status never came" });
    assert.equal(await encrypt.isSelected(), true, "a new community's first target is encrypted by default");
    await encrypt.click();
    await waitForText(browser, "Without encryption, whoever holds the folder or account can read what you share with everyone");
    await screenshot(browser, "sealing-plain-choice");
    await encrypt.click();
    await waitForText(browser, "were shared before sealing existed");
    await (await browser.$("//h3[contains(., 'Shared before sealing')]")).scrollIntoView();
    await screenshot(browser, "sealing-shared-before");

    await (await browser.$("button.me")).click();
    await (await button(browser, "Edit profile")).click();
    await (await byLabel(browser, "Who can see your bio")).selectByAttribute("value", "leads");
    await waitForText(browser, "What you shared with everyone before stays on the laptops it already reached");
    await (await browser.$(".narrowed")).scrollIntoView({ block: "center" });
    await screenshot(browser, "sealing-narrowed");
    await (await button(browser, "Save profile")).click();
    await waitForText(browser, "Edit profile");
  } finally {
    await app.close();
  }
});
