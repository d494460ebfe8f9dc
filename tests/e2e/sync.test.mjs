// Two laptops, one shared folder: a proposal made on another laptop (driven by the CLI)
// appears in the window after Settings → Sync now, or on its own with automatic sync.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { button, byLabel, cliBinary, hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

test("a proposal and a photo made on another laptop arrive with Sync now", async () => {
  const dirs = scratch();
  const shared = join(dirs.base, "shared folder");
  const other = join(dirs.base, "other laptop");
  hearth("demo", dirs.library);
  hearth("sync", dirs.library, "--target", shared);
  const invitation = join(dirs.base, "rita.hearth-invite");
  hearth("invite", dirs.library, "--name", "Rita Remote", "--out", invitation);
  hearth("sync", dirs.library);
  hearth("join", other, "--invitation", invitation);
  hearth("initiatives", "propose", other, "--title", "Allotment for the ward", "--difference", "Patients and staff growing food together");
  const photos = join(dirs.base, "rita's photos");
  mkdirSync(photos);
  execFileSync("/usr/bin/convert", ["-size", "640x480", "plasma:green-yellow", join(photos, "allotment.jpg")]);
  hearth("import", other, photos);
  hearth("sync", other);
  const mediaBefore = JSON.parse(hearth("media", "list", dirs.library, "--json")).length;

  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    const folder = await byLabel(browser, "Folder path");
    // The form is filled once the sync status arrives (Sync now waits for it too).
    await browser
      .waitUntil(async () => (await folder.getValue()) === shared, { timeout: 10_000 })
      .catch(() => {});
    assert.equal(await folder.getValue(), shared, "the folder synced with last is remembered");
    await (await button(browser, "Sync now")).click();
    await waitForText(browser, "changes applied", { timeout: 30_000 });
    const status = await (await browser.$('[role="status"]')).getText();
    // Rita's laptop wrote several batches (its key, her profile, her proposal).
    assert.match(status, /Read [1-9]\d* batches from others: [1-9]\d* changes applied/, status);
    await screenshot(browser, "sync-settings");

    await navigate(browser, "Initiatives");
    await waitForText(browser, "Allotment for the ward");
    await navigate(browser, "People");
    await waitForText(browser, "Rita Remote");

    // Rita's photo came too: its row, original and thumbnail.
    await navigate(browser, "Memories");
    const grid = await browser.$('[role="grid"]');
    await grid.waitForExist();
    await browser.waitUntil(async () => Number(await grid.getAttribute("data-total")) === mediaBefore + 1, {
      timeoutMsg: "Rita's photo is not in the gallery",
    });
    await (await browser.$("aria/Search media")).setValue("allotment");
    await browser.waitUntil(async () => (await grid.getAttribute("data-total")) === "1", { timeoutMsg: "allotment.jpg not found" });
    await browser.waitUntil(
      async () => browser.execute(() => document.querySelector('[role="grid"] img')?.naturalWidth ?? 0).then((w) => w > 0),
      { timeoutMsg: "the synced photo's thumbnail did not load" },
    );
    await screenshot(browser, "sync-photo-arrived");
  } finally {
    await app.close();
  }
});

test("an edit that lost to a concurrent one is kept and can be restored", async () => {
  const dirs = scratch();
  const shared = join(dirs.base, "shared");
  const other = join(dirs.base, "other laptop");
  hearth("demo", dirs.library);
  hearth("sync", dirs.library, "--target", shared);
  hearth("join", other, "--invitation", hearth("invite", dirs.library, "--name", "Rita Remote").trim());
  const moment = JSON.parse(hearth("moments", "list", dirs.library, "--json")).find((m) => m.title === "Walk along the river");
  hearth("moments", "story", dirs.library, moment.id, "--text", "Amara's account: the heron by the weir.");
  await new Promise((done) => setTimeout(done, 50));
  hearth("moments", "story", other, moment.id, "--text", "Rita's account: coffee at the weir.");
  hearth("sync", other);

  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    await (await button(browser, "Sync now")).click();
    await waitForText(browser, "Your edits that lost to someone else's", { timeout: 30_000 });
    await waitForText(browser, "Amara's account: the heron by the weir.");
    const report = await (await browser.$('[aria-label="Sync report"]')).getText();
    assert.match(report, /1 edit made at the same time as someone else's settled, the later one kept \(a moment's “what happened”\)/, report);
    await screenshot(browser, "sync-revision");
    await (await button(browser, "Restore mine")).click();
    await browser.waitUntil(async () => !(await browser.$("body").getText()).includes("Restore mine"), {
      timeoutMsg: "the restored version stayed in the list",
    });
    await navigate(browser, "Memories");
    await (await browser.$('button[role="tab"]=Moments')).click();
    await (await browser.$("aria/Walk along the river")).click();
    await waitForText(browser, "Amara's account: the heron by the weir.");
  } finally {
    await app.close();
  }
});

test("with automatic sync on, what another laptop shares arrives on any page, and an unplugged folder waits", async () => {
  const dirs = scratch();
  const shared = join(dirs.base, "usb stick");
  const other = join(dirs.base, "other laptop");
  hearth("demo", dirs.library);
  hearth("sync", dirs.library, "--target", shared);
  hearth("join", other, "--invitation", hearth("invite", dirs.library, "--name", "Rita Remote").trim());

  const app = await launch(dirs, { env: { HEARTH_AUTO_SYNC_SECONDS: "2" } });
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    // The panel has read the sync status (else the status, arriving after the click, resets the box).
    await waitForText(browser, "Last synced");
    const auto = await browser.$('//label[contains(., "Sync automatically")]/input');
    await auto.click();
    await browser.waitUntil(() => auto.isSelected(), { timeoutMsg: "automatic sync did not switch on" });
    await navigate(browser, "Initiatives");
    await waitForText(browser, "Propose an initiative");

    // Rita proposes on her laptop and syncs; the window, left on Initiatives, learns of it on
    // its own and redraws the page only when asked.
    hearth("initiatives", "propose", other, "--title", "Bench by the river", "--difference", "Somewhere to sit after the walk");
    hearth("sync", other);
    const news = await browser.$('[aria-label="Automatic sync"]');
    await news.waitForDisplayed({ timeout: 30_000, timeoutMsg: "the automatic sync brought nothing" });
    assert.match(await news.getText(), /Synced: \d+ changes? .*arrived/);
    assert.ok(!(await browser.$("body").getText()).includes("Bench by the river"), "the page is not redrawn under the user");
    await screenshot(browser, "sync-auto-news");
    await (await news.$("button=Show them")).click();
    await waitForText(browser, "Bench by the river");

    // The stick is unplugged: the sync waits and says so; plugged back in, it carries on.
    renameSync(shared, `${shared} (unplugged)`);
    await browser.waitUntil(async () => (await news.isExisting()) && (await news.getText()).includes("the folder is out of reach"), {
      timeout: 30_000,
      timeoutMsg: "an unreachable folder was not reported",
    });
    await screenshot(browser, "sync-auto-unplugged");
    renameSync(`${shared} (unplugged)`, shared);
    await news.waitForExist({ reverse: true, timeout: 30_000, timeoutMsg: "the sync did not resume once the folder was back" });
  } finally {
    await app.close();
  }
});

test("a lead sees a change set aside at merge and merges it now", async () => {
  const dirs = scratch();
  const shared = join(dirs.base, "shared");
  const other = join(dirs.base, "other laptop");
  hearth("demo", dirs.library);
  hearth("sync", dirs.library, "--target", shared);
  hearth("join", other, "--invitation", hearth("invite", dirs.library, "--name", "Rita Remote").trim());
  // Rita's laptop clock runs two hours fast: what she proposes is stamped ahead of everyone's.
  const fast = (...args) => execFileSync("faketime", ["-f", "+2h", cliBinary, ...args], { encoding: "utf8" });
  fast("initiatives", "propose", other, "--title", "Night walk by the canal", "--difference", "Fresh air after late shifts");
  fast("sync", other);

  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    await (await button(browser, "Sync now")).click();
    await waitForText(browser, "Changes set aside", { timeout: 30_000 });
    const list = await browser.$('[aria-label="Changes set aside"]');
    const text = await list.getText();
    assert.match(text, /An initiative: title, difference/, text);
    assert.match(text, /by Rita Remote/, text);
    assert.match(text, /Waits: Rita Remote's laptop's clock was (1 h|\d+ min) ahead of this one's/, text);
    await list.scrollIntoView({ block: "center" });
    await screenshot(browser, "sync-set-aside");
    await (await button(browser, "Merge now")).click();
    // It asks first, saying what merging early means.
    await waitForText(browser, "their edits win over anyone else's");
    await (await button(browser, "Merge them now")).click();
    await browser.waitUntil(async () => !(await list.isExisting()), { timeoutMsg: "the change is still set aside" });
    await navigate(browser, "Initiatives");
    await waitForText(browser, "Night walk by the canal");
  } finally {
    await app.close();
  }
});

test("the window tells a folder out of reach from one that is not a sync target, by error code", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const gone = join(dirs.base, "unplugged stick");
  const other = join(dirs.base, "someone else's folder");
  mkdirSync(other);
  writeFileSync(join(other, "hearth-sync.json"), "{}");
  // Typed paths stand for folders chosen in the dialog (WebDriver cannot drive it).
  const app = await launch(dirs, { env: { HEARTH_CHOSEN_PATHS: dirs.base } });
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    const folder = await byLabel(browser, "Folder path");
    await folder.setValue(gone);
    await (await button(browser, "Test connection")).click();
    await waitForText(browser, "The folder is out of reach");
    await waitForText(browser, "Plug in the drive");
    await (await browser.$('[role="alert"]')).scrollIntoView({ block: "center" });
    await screenshot(browser, "sync-target-unreachable");
    await folder.clearValue();
    await folder.setValue(other);
    await (await button(browser, "Test connection")).click();
    await waitForText(browser, "That is not a sync target");
    await (await browser.$('[role="alert"]')).scrollIntoView({ block: "center" });
    await screenshot(browser, "sync-target-not-a-target");
  } finally {
    await app.close();
  }
});
