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
    await waitForText(browser, "Amara Okafor: verse 2");
    await screenshot(browser, "artefact-song");
    await (await button(browser, "All artefacts")).click();

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
    await (await byLabel(browser, "Add your memory of it")).setValue("I drew her on the back of a rota.");
    await (await button(browser, "Add it")).click();
    await waitForText(browser, "— Amara Okafor");
    await screenshot(browser, "artefact-mascot");

    // Another member adds their own account: both stand, side by side.
    await switchTo(browser, "Grace Mwangi");
    await openArtefacts(browser);
    await (await browser.$("button*=Rivka the heron")).click();
    await (await byLabel(browser, "Add your memory of it")).setValue("She first appeared on the **summer walk** poster.");
    await (await button(browser, "Add it")).click();
    await waitForText(browser, "— Grace Mwangi");
    const accounts = await browser.$$("blockquote.account");
    assert.equal(accounts.length, 2, "two accounts, side by side");
    assert.match(await accounts[0].getText(), /back of a rota/, "the first stands as written");

    // Grace asks for the t-shirt in her size; the lead counts it.
    await (await button(browser, "All artefacts")).click();
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

test("a lead awards a badge; the member accepts it and it shows on their profile", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    // The demo's founding-member badge waits for Amara's answer on Home.
    const offered = await browser.$('section[aria-labelledby="offered-heading"]');
    await offered.waitForExist({ timeoutMsg: "nothing is offered on Home" });
    assert.match(await offered.getText(), /Founding member/);
    await screenshot(browser, "home-offered");
    await (await offered.$("button=Accept and show on my profile")).click();
    await offered.waitForExist({ reverse: true, timeoutMsg: "the offer stayed after accepting" });

    // As a lead, award the first-aid badge to Liam.
    await navigate(browser, "Rituals");
    await (await browser.$('button[role="tab"]=Badges')).click();
    const buddy = await browser.$('li.badge[aria-label="First-aid buddy"]');
    await buddy.waitForExist({ timeoutMsg: "the demo's badge is missing" });
    assert.match(await buddy.getText(), /Shown by Grace Mwangi/);
    await (await buddy.$("summary")).click();
    await (await buddy.$('select[aria-label="Award First-aid buddy to"]')).selectByVisibleText("Liam O'Connor");
    await (await buddy.$("button=Award")).click();
    await browser.waitUntil(async () => (await buddy.getText()).includes("offered, not answered yet"), { timeoutMsg: "the award is not listed" });
    await screenshot(browser, "badges");

    // Liam accepts it on Home and shows it.
    await switchTo(browser, "Liam O'Connor");
    await navigate(browser, "Home");
    const his = await browser.$('section[aria-labelledby="offered-heading"]');
    await his.waitForExist({ timeoutMsg: "Liam was offered nothing" });
    await (await his.$("button=Accept and show on my profile")).click();
    await his.waitForExist({ reverse: true, timeoutMsg: "Liam's offer stayed" });

    // Back as Amara, Liam's profile shows the badge.
    await switchTo(browser, "Amara Okafor");
    await navigate(browser, "People");
    await (await browser.$("button*=Liam O'Connor")).click();
    const badges = await browser.$('section[aria-labelledby="badges-heading"]');
    await badges.waitForExist({ timeoutMsg: "Liam's profile shows no badges" });
    assert.match(await badges.getText(), /First-aid buddy/);
    await badges.scrollIntoView({ block: "center" });
    await screenshot(browser, "profile-badges");
  } finally {
    await app.close();
  }
});
