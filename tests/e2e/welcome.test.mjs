// First run: create a community through the welcome screen, then restart and find it there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { button, byLabel, hearth, launch, scratch, screenshot, waitForText } from "./harness.mjs";

test("a community created on the welcome screen is still there after a restart", async () => {
  const dirs = scratch();
  let app = await launch(dirs);
  try {
    const { browser } = app;
    await waitForText(browser, "Welcome to Hearth");
    await screenshot(browser, "welcome");
    await (await button(browser, "Start our community")).click();

    // Next without a name is refused beside the field.
    await (await button(browser, "Next: who are you?")).click();
    await waitForText(browser, "The community needs a name.");

    await (await byLabel(browser, "Community name")).setValue("Harbour Midwives Circle");
    await (await byLabel(browser, "What brings you together (optional)")).setValue("Midwives learning from each other's births.");
    const location = await (await byLabel(browser, "Library location")).getText();
    assert.equal(location, dirs.library, "the library goes where the app was pointed");
    await (await button(browser, "Next: who are you?")).click();

    await waitForText(browser, "Who are you?");
    await (await byLabel(browser, "Your name")).setValue("Noor Haddad");
    await (await byLabel(browser, "What you do (optional)")).setValue("Community midwife");
    await screenshot(browser, "welcome-who-are-you");
    await (await button(browser, "Create community")).click();

    await waitForText(browser, "Welcome back, Noor");
    assert.equal(await browser.$("main h1").getText(), "Harbour Midwives Circle");
    // Alone in the new community, the lead is shown the way to bring the others in.
    await waitForText(browser, "Invite your colleagues");
    await screenshot(browser, "welcome-created-home");
    await (await button(browser, "Open Settings")).click();
    await waitForText(browser, "Invite someone");
  } finally {
    await app.close();
  }

  assert.ok(existsSync(join(dirs.library, "hearth.db")), "the library folder holds hearth.db");
  const info = JSON.parse(hearth("info", dirs.library, "--json"));
  assert.equal(info.community.name, "Harbour Midwives Circle");
  assert.equal(info.me.displayName, "Noor Haddad", "the creator is this device's member");
  assert.equal(info.me.role, "lead", "the creator leads the new community");

  app = await launch(dirs);
  try {
    const { browser } = app;
    await waitForText(browser, "Welcome back, Noor");
    assert.equal(await browser.$("main h1").getText(), "Harbour Midwives Circle", "the community persisted across a restart");
    await screenshot(browser, "welcome-after-restart");
  } finally {
    await app.close();
  }
});
