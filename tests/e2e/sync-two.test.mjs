// Two app instances on two libraries meet through one shared, encrypted folder: a lead invites a
// newcomer in the first window, the newcomer joins with the code in the second, proposes an
// initiative and adds a photo there; after "Sync now" on both, the first window shows them,
// and the folder itself shows none of it. Then the lead removes the newcomer's laptop, and
// what the lead shares next stays sealed to it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

const title = "Seed swap at the allotment";

/** Clicks "Sync now" and waits for this sync's own report (not one left from before). */
async function syncNow(browser, expected) {
  await navigate(browser, "Settings");
  const report = () => browser.execute(() => document.querySelector("[aria-label=\"Sync report\"]")?.textContent ?? "");
  const before = await report();
  await (await button(browser, "Sync now")).click();
  await browser.waitUntil(async () => (await report()) !== before && (await report()).includes(expected), {
    timeout: 60_000,
    timeoutMsg: `no new sync report saying "${expected}"`,
  });
  return report();
}

test("a proposal and a photo made in one window appear in the other after Sync now", async () => {
  const lead = scratch();
  const newcomer = scratch();
  const shared = join(lead.base, "shared folder");
  hearth("demo", lead.library);
  const photos = join(newcomer.base, "photos");
  mkdirSync(photos);
  execFileSync("/usr/bin/convert", ["-size", "800x600", "plasma:orange-brown", join(photos, "seed-swap.jpg")]);

  // The lead types the shared folder's path: granted as if chosen in the folder dialog.
  const first = await launch(lead, { env: { HEARTH_CHOSEN_PATHS: shared } });
  // WebDriver cannot drop files on the window: the folder is granted as if dropped.
  const second = await launch(newcomer, { library: null, env: { HEARTH_CHOSEN_PATHS: `${photos}:${shared}` } });
  try {
    // The lead chooses the shared folder, syncs, and invites Rita.
    const a = first.browser;
    await navigate(a, "Settings");
    await (await byLabel(a, "Folder path")).setValue(shared);
    // A new community's first target is encrypted unless the lead unticks it.
    const encrypt = await a.$('//label[contains(., "Encrypt everything stored there")]/input');
    assert.equal(await encrypt.isSelected(), true, "encryption is the default for a new community");
    await (await button(a, "Sync now")).click();
    await waitForText(a, "Sent", { timeout: 60_000 });
    await waitForText(a, "Encrypted: everything stored there is sealed");
    await (await byLabel(a, "Newcomer's name")).setValue("Rita Remote");
    await (await button(a, "Create invitation")).click();
    const codeBox = await byLabel(a, "Invitation code");
    await a.waitUntil(async () => (await codeBox.getValue()).startsWith("hearth-invite:"), { timeoutMsg: "no invitation code" });
    const code = await codeBox.getValue();
    await waitForText(a, "Invitations not used yet:");
    // Creating it synced again, so the invitation is in the folder before Rita arrives.
    await a.waitUntil(async () => !(await (await button(a, "Sync now")).getAttribute("disabled")), { timeout: 60_000 });
    await codeBox.scrollIntoView({ block: "center" });
    await screenshot(a, "sync-two-invite");

    // Rita joins in the second window with the code.
    const b = second.browser;
    await waitForText(b, "Welcome to Hearth");
    await (await button(b, "Join with an invitation")).click();
    await (await b.$("#invitation-code")).setValue(code);
    await waitForText(b, "as Rita Remote");
    assert.equal(await (await b.$("#join-target")).getValue(), shared, "the invitation names the shared folder");
    await screenshot(b, "sync-two-join");
    await (await button(b, "Join")).click();
    await waitForText(b, "Rita Remote", { timeout: 60_000 });

    // She proposes an initiative and adds a photo, then syncs.
    await navigate(b, "Initiatives");
    await (await button(b, "Propose an initiative")).click();
    await (await byLabel(b, "What do you want to do?")).setValue(title);
    await (await byLabel(b, "The difference it should make, and why it matters to you")).setValue("Neighbours and nurses swapping seeds in spring.");
    await (await button(b, "Propose")).click();
    await waitForText(b, title);
    await navigate(b, "Memories");
    await b.waitUntil(() => b.execute(() => typeof window.__hearthDrop === "function"), { timeoutMsg: "Memories did not open" });
    await b.execute((path) => window.__hearthDrop([path]), photos);
    await waitForText(b, "Import finished: 1 imported", { timeout: 60_000 });
    await syncNow(b, "Sent");

    // The lead syncs (fetching originals only when opened) and sees both.
    await navigate(a, "Settings");
    await waitForText(a, "Amara Okafor's laptop (this one)");
    const onDemand = await a.$('//label[contains(., "originals only when opened")]/input');
    await onDemand.waitForEnabled({ timeoutMsg: "the setting stays disabled: the sync status never came" });
    await onDemand.click();
    await a.waitUntil(() => onDemand.isSelected(), { timeoutMsg: "originals are still fetched with everything else" });
    const status = await syncNow(a, "changes applied");
    assert.match(status, /received [1-9]\d* files/, status);
    assert.doesNotMatch(status, /Rejected/, "every batch of Rita's was let in");
    await waitForText(a, "Rita Remote's laptop · let in by an invitation");
    assert.ok(!(await a.$("body").getText()).includes("Invitations not used yet"), "Rita's invitation is used now");
    await navigate(a, "Initiatives");
    await waitForText(a, title);
    await navigate(a, "Memories");
    const grid = await a.$('[role="grid"]');
    await grid.waitForExist();
    await (await a.$("aria/Search media")).setValue("seed-swap");
    await a.waitUntil(async () => (await grid.getAttribute("data-total")) === "1", { timeoutMsg: "Rita's photo is not in the lead's gallery" });
    await a.waitUntil(
      async () => a.execute(() => document.querySelector('[role="grid"] img')?.naturalWidth ?? 0).then((w) => w > 0),
      { timeoutMsg: "the synced photo's thumbnail did not load" },
    );
    await screenshot(a, "sync-two-arrived");

    // Its original was not fetched; zooming in fetches it from the folder and shows it.
    const blobs = () => readdirSync(join(lead.library, "blobs")).length;
    const before = blobs();
    await (await a.$('[role="grid"] button[role="gridcell"]:not([disabled])')).click();
    const stage = await a.$('[role="dialog"] .stage img');
    await stage.waitForExist();
    // A click before the preview has loaded lands on a picture with no size yet, that is on
    // the stage behind it; a person clicks what they see.
    await a.waitUntil(() => a.execute(() => (document.querySelector('[role="dialog"] .stage img')?.naturalWidth ?? 0) > 0), {
      timeoutMsg: "the preview did not show in the viewer",
    });
    await stage.click();
    await (await a.$('[role="dialog"] .stage.zoomed')).waitForExist({ timeoutMsg: "a click on the photo did not zoom in" });
    const shown = () =>
      a.execute(() => {
        const img = document.querySelector('[role="dialog"] .stage img');
        return { src: img?.src ?? "", width: img?.naturalWidth ?? 0, complete: img?.complete ?? false };
      });
    // Streamed by the loopback server, never read whole into one hearth:// answer.
    const original = (img) => img.src.startsWith("http://127.0.0.1:") && img.src.includes("original") && img.width === 800;
    await a.waitUntil(async () => original(await shown()), { timeout: 30_000 }).catch(async () => {
      assert.fail(`the original did not arrive when zoomed: ${JSON.stringify(await shown())}`);
    });
    assert.equal(blobs(), before + 1, "the original was fetched on demand, once");
    await screenshot(a, "sync-two-original");
    await a.keys("Escape");

    // The folder holds only sealed bytes: neither the proposal nor the community's name shows.
    const files = readdirSync(shared, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    assert.ok(files.length > 20, `segments and media are in the folder (${files.length})`);
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name)).toString("latin1");
      assert.ok(!text.includes("Seed swap") && !text.includes("Riverside Care"), `${file.name} is readable`);
    }

    // Rita's laptop is lost: the lead removes it. A new community key seals what is shared
    // from then on, and the lost laptop cannot open it.
    await navigate(a, "Settings");
    await (await a.$('//li[contains(., "Rita Remote\'s laptop")]//button[contains(., "Remove")]')).click();
    const ask = await a.$('dialog[role="alertdialog"]');
    await ask.waitForDisplayed({ timeoutMsg: "no question before removing a laptop" });
    assert.match(await ask.getText(), /new community key seals everything shared from then on/);
    await screenshot(a, "sync-two-remove");
    await (await ask.$("button=Remove laptop")).click();
    await a.waitUntil(async () => !(await a.$("body").getText()).includes("Rita Remote's laptop"), {
      timeoutMsg: "the removed laptop is still listed",
    });
    await a.waitUntil(async () => !(await (await button(a, "Sync now")).getAttribute("disabled")), { timeout: 60_000 });
    await navigate(a, "Initiatives");
    await (await button(a, "Propose an initiative")).click();
    await (await byLabel(a, "What do you want to do?")).setValue("Lantern walk by the river");
    await (await byLabel(a, "The difference it should make, and why it matters to you")).setValue("Light for the dark evenings.");
    await (await button(a, "Propose")).click();
    await waitForText(a, "Lantern walk by the river");
    await syncNow(a, "Sent");
    const locked = await syncNow(b, "sealed with a community key");
    assert.match(locked, /sealed with a community key made after this laptop was removed/, locked);
    await waitForText(b, "A lead removed this laptop from the community");
    await (await b.$('[aria-label="Sync report"]')).scrollIntoView({ block: "center" });
    await screenshot(b, "sync-two-removed");
    await navigate(b, "Initiatives");
    await waitForText(b, title);
    assert.ok(!(await b.$("body").getText()).includes("Lantern walk"), "the removed laptop cannot read what came after");
  } finally {
    await second.close();
    await first.close();
  }
});
