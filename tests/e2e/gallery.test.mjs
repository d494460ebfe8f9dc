// The gallery in the real window: import a folder (progress, then thumbnails), open the
// lightbox, tag a member, mark a highlight and find it in the community's history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

/** A folder of real JPEGs made by ImageMagick, a truncated JPEG and a text file. */
function photoFolder(base) {
  const folder = join(base, "dinner photos");
  mkdirSync(folder);
  for (let i = 0; i < 6; i++) {
    execFileSync("/usr/bin/convert", ["-size", "640x480", `plasma:${["red", "blue", "green", "orange", "purple", "gold"][i]}-white`, join(folder, `IMG_${i}.jpg`)]);
  }
  writeFileSync(join(folder, "broken.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]));
  writeFileSync(join(folder, "notes.txt"), "not a photo");
  return folder;
}

test("a lead imports a folder, tags a member, marks a highlight and sees it in the history", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const folder = photoFolder(dirs.base);
  // WebDriver cannot drop files on the window: the folder is granted as if dropped.
  const app = await launch(dirs, { env: { HEARTH_CHOSEN_PATHS: folder } });
  try {
    const { browser } = app;
    await navigate(browser, "Memories");
    await waitForText(browser, "photos ·");
    const before = Number(await (await browser.$('[role="grid"]')).getAttribute("data-total"));
    assert.ok(before >= 20, `the demo's media are in the grid (${before})`);
    await browser.$('[role="grid"] img').waitForExist({ timeoutMsg: "no thumbnail in the grid" });

    // A path nobody chose or dropped (a script in the page naming one) is refused by the shell.
    await browser.execute((path) => window.__hearthDrop([path]), dirs.base);
    await waitForText(browser, "Hearth opens and writes only files and folders you chose");
    assert.equal(
      Number(await (await browser.$('[role="grid"]')).getAttribute("data-total")),
      before,
      "nothing was imported from the folder nobody chose",
    );

    await browser.execute((path) => window.__hearthDrop([path]), folder);
    await waitForText(browser, "Import finished: 6 imported, 0 already there, 2 failed", { timeout: 60_000 });
    await waitForText(browser, "broken.jpg");
    await waitForText(browser, "notes.txt");
    await browser.waitUntil(
      async () => Number(await (await browser.$('[role="grid"]')).getAttribute("data-total")) === before + 6,
      { timeoutMsg: "the six new photos did not join the grid" },
    );
    await screenshot(browser, "gallery-imported");

    await (await browser.$('button[role="tab"]=Albums')).click();
    await (await byLabel(browser, "New album title")).setValue("Best of the dinner");
    await (await button(browser, "Create album")).click();
    await waitForText(browser, "All albums");
    await (await browser.$('button[role="tab"]=Gallery')).click();

    // The newest photos are the imported ones (no EXIF: ordered by file time, today).
    // (A cell still loading is a disabled button: the first loaded one is the newest photo.)
    const first = await browser.$('[role="grid"] button[role="gridcell"]:not([disabled])');
    await first.click();
    const dialog = await browser.$('[role="dialog"][aria-label="Photo viewer"]');
    await dialog.waitForExist();
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector('[role="dialog"] .stage img')?.naturalWidth ?? 0)) > 0, {
      timeoutMsg: "the preview did not load over hearth://",
    });
    const fileName = await (await browser.$('[role="dialog"] .side')).getText();
    assert.match(fileName, /IMG_\d\.jpg/, "the lightbox shows one of the imported photos");

    // Tag someone who allows it (the demo's second member does).
    const tagSelect = await byLabel(browser, "Tag a member");
    const options = await tagSelect.$$("option");
    const name = await options[2].getText();
    await tagSelect.selectByVisibleText(name);
    await (await button(browser, "Tag")).click();
    await browser.waitUntil(async () => (await (await browser.$('[role="dialog"] .tags')).getText()).includes(name), {
      timeoutMsg: `${name} was not tagged`,
    });

    await (await byLabel(browser, "Add to album")).selectByVisibleText("Best of the dinner");
    await (await button(browser, "Add")).click();
    await browser.waitUntil(async () => (await (await browser.$('[role="dialog"] .side')).getText()).includes("Best of the dinner"), {
      timeoutMsg: "the photo did not join the album",
    });

    await (await button(browser, "Mark as a highlight")).click();
    await browser.waitUntil(async () => (await (await browser.$("button*=Highlight")).getText()).trim() === "Highlight", { timeoutMsg: "the photo was not marked" });
    await browser.keys("ArrowRight");
    await browser.waitUntil(async () => (await (await browser.$('[role="dialog"] .side')).getText()) !== fileName, {
      timeoutMsg: "→ did not move to the next photo",
    });
    await screenshot(browser, "gallery-lightbox");
    await browser.keys("Escape");
    await dialog.waitForExist({ reverse: true });

    await (await browser.$('button[role="tab"]=Albums')).click();
    await waitForText(browser, "1 photo or video");
    await (await browser.$('button[role="tab"]=History')).click();
    const year = String(new Date().getFullYear());
    await waitForText(browser, `Highlights of ${year}`);
    await screenshot(browser, "gallery-history");

    await (await browser.$("button*=To review")).click();
    await waitForText(browser, "Suggested moments");
    await screenshot(browser, "gallery-review");

    // The tagged member's profile shows the photo they are in.
    await navigate(browser, "People");
    await (await browser.$(`button.name=${name}`)).click();
    await waitForText(browser, "In photos");
    const strip = await browser.$('section.photos img');
    await strip.waitForExist({ timeoutMsg: `${name}'s profile shows no photo` });
    await screenshot(browser, "gallery-profile-photos");

    // Deleting an album asks first, in the window: Cancel keeps it, and only the dialog's own
    // button deletes it.
    await navigate(browser, "Memories");
    await (await browser.$('button[role="tab"]=Albums')).click();
    await (await browser.$('button.album*=Best of the dinner')).click();
    await waitForText(browser, "All albums");
    const ask = await browser.$('dialog[role="alertdialog"]');
    await (await button(browser, "Delete album")).click();
    await ask.waitForDisplayed({ timeoutMsg: "no question before deleting" });
    assert.match(await ask.getText(), /Delete this album\? Its photos stay in the gallery\./);
    assert.equal(await browser.execute(() => document.activeElement?.textContent), "Cancel", "Cancel has the focus");
    await screenshot(browser, "gallery-delete-album");
    await (await ask.$("button=Cancel")).click();
    await ask.waitForDisplayed({ reverse: true });
    await waitForText(browser, "All albums");
    assert.ok(await (await browser.$("h2=Best of the dinner")).isExisting(), "Cancel kept the album");
    await (await button(browser, "Delete album")).click();
    await ask.waitForDisplayed();
    await (await ask.$("button=Delete album")).click();
    await waitForText(browser, "No albums yet.");
  } finally {
    await app.close();
  }
});
