// Artefacts in the real window: the demo's song plays (its recording reports a duration) with
// its words beside it; a lead adds a mascot with a picture; a second member adds their own
// account beside the first and asks for a t-shirt in their size, which the lead then counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, switchTo, waitForText } from "./harness.mjs";

async function openArtefacts(browser) {
  await navigate(browser, "Rituals");
  await (await browser.$('button[role="tab"]=Artefacts')).click();
  await waitForText(browser, "Songs");
}

test("the song plays, a mascot gets its picture, a second account stands beside the first", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const pictures = join(dirs.base, "mascot");
  mkdirSync(pictures);
  const picture = join(pictures, "otter-sketch.png");
  execFileSync("/usr/bin/convert", ["-size", "400x400", "plasma:teal-white", picture]);
  // WebDriver cannot drop files on the window: the folder is granted as if dropped.
  const app = await launch(dirs, { env: { HEARTH_CHOSEN_PATHS: pictures } });
  try {
    const { browser } = app;
    await openArtefacts(browser);
    await screenshot(browser, "artefacts-grid");

    // The song: its recording loads over the loopback server and reports a duration.
    await (await browser.$("button*=The boathouse round")).click();
    const audio = await browser.$("audio");
    await audio.waitForExist({ timeoutMsg: "the song has no player" });
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector("audio")?.duration ?? 0)) > 1, {
      timeout: 15_000,
      timeoutMsg: "the recording reported no duration",
    });
    await waitForText(browser, "the kettle's on");
    await waitForText(browser, "verse 2: Amara Okafor");
    await screenshot(browser, "artefact-song");
    await (await button(browser, "← All artefacts")).click();

    // A lead adds a mascot and drops its picture on the page.
    await (await button(browser, "Add an artefact")).click();
    await (await byLabel(browser, "Kind")).selectByAttribute("value", "mascot");
    await (await byLabel(browser, "Name")).setValue("Rivka the heron");
    await (await byLabel(browser, "When it was made")).setValue("2026-03");
    await (await button(browser, "Add it")).click();
    await waitForText(browser, "March 2026");
    await browser.execute((path) => window.__hearthDrop([path]), picture);
    await browser.waitUntil(
      async () => (await browser.execute(() => document.querySelector('ul[aria-label="Pictures"] img')?.naturalWidth ?? 0)) > 0,
      { timeoutMsg: "the picture did not show" },
    );
    await (await byLabel(browser, "Add your account")).setValue("I drew her on the back of a rota.");
    await (await button(browser, "Add your account")).click();
    await waitForText(browser, "— Amara Okafor");
    await screenshot(browser, "artefact-mascot");

    // Another member adds their own account: both stand, side by side.
    await switchTo(browser, "Grace Mwangi");
    await openArtefacts(browser);
    await (await browser.$("button*=Rivka the heron")).click();
    await (await byLabel(browser, "Add your account")).setValue("She first appeared on the **summer walk** poster.");
    await (await button(browser, "Add your account")).click();
    await waitForText(browser, "— Grace Mwangi");
    const accounts = await browser.$$("blockquote.account");
    assert.equal(accounts.length, 2, "two accounts, side by side");
    assert.match(await accounts[0].getText(), /back of a rota/, "the first stands as written");

    // Grace asks for the t-shirt in her size; the lead counts it.
    await (await button(browser, "← All artefacts")).click();
    await (await browser.$("button*=Learning Circle t-shirt")).click();
    await (await byLabel(browser, "Your size")).selectByVisibleText("XL");
    await (await button(browser, "Change")).click();
    await waitForText(browser, "You asked for 2 × XL");
    await screenshot(browser, "artefact-sizes");
    await switchTo(browser, "Amara Okafor");
    await openArtefacts(browser);
    await (await browser.$("button*=Learning Circle t-shirt")).click();
    await waitForText(browser, "XL 3");
  } finally {
    await app.close();
  }
});
