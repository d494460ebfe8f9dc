// Initiatives: propose, support as another member, move across the board, run a decision to
// its outcome, close with a reflection and find it in the community's history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { button, byLabel, launch, navigate, openDemo, scratch, screenshot, switchTo, waitForText } from "./harness.mjs";

const title = "Quiet room for staff after hard shifts";

async function openInitiative(browser) {
  await navigate(browser, "Initiatives");
  await (await button(browser, title)).click();
  await browser.$("main").$(`h1=${title}`).waitForExist({ timeoutMsg: "the initiative page did not open" });
}

async function moveTo(browser, column) {
  await navigate(browser, "Initiatives");
  await (await byLabel(browser, `Move ${title} to`)).selectByVisibleText(column);
  await waitForColumn(browser, column);
}

/** Waits until the card stands in `column` on the board. */
async function waitForColumn(browser, column) {
  await browser.waitUntil(
    async () =>
      (await browser.execute(
        (t) => [...document.querySelectorAll("article")].find((a) => a.getAttribute("aria-label") === t)?.closest("section")?.getAttribute("aria-label"),
        title,
      )) === column,
    { timeoutMsg: `the card did not reach ${column}` },
  );
}

test("an initiative goes from proposal to the community's history", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    await navigate(browser, "Initiatives");
    await (await button(browser, "Propose an initiative")).click();
    await (await byLabel(browser, "What do you want to do?")).setValue(title);
    await (await byLabel(browser, "The difference it should make, and why it matters to you")).setValue("After a death on the ward we have nowhere to sit for ten minutes.");
    await (await byLabel(browser, "Help wanted (skills, comma-separated)")).setValue("estates, fundraising");
    await (await button(browser, "Propose")).click();
    await waitForColumn(browser, "Idea");

    await switchTo(browser, "Tomás Herrera");
    await openInitiative(browser);
    await (await byLabel(browser, "Why I care")).setValue("My team needs this.");
    await (await button(browser, "Support")).click();
    await waitForText(browser, "1 supporter");
    await waitForText(browser, "“My team needs this.”");

    await switchTo(browser, "Amara Okafor");
    await moveTo(browser, "Gathering support");
    await moveTo(browser, "Active");
    await screenshot(browser, "initiatives-board");

    await openInitiative(browser);
    const soon = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await (await byLabel(browser, "Proposal")).setValue("Use the old linen room");
    // Typing into WebKit's segmented date field through WebDriver garbles it; set it as the
    // date picker would.
    const closesOn = await byLabel(browser, "Closes on");
    await browser.execute((input, value) => {
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }, closesOn, soon);
    await (await button(browser, "Open decision")).click();
    await waitForText(browser, "Use the old linen room");
    await (await byLabel(browser, "My stance")).selectByVisibleText("Agree");
    await (await byLabel(browser, "My reason")).setValue("It is quiet and has a window.");
    await (await button(browser, "Record stance")).click();
    await waitForText(browser, "Agree 1 · Abstain 0 · Disagree 0 · Block 0");
    await (await byLabel(browser, "Decision outcome")).setValue("The linen room it is, from March.");
    await (await button(browser, "Close with outcome")).click();
    await waitForText(browser, "Outcome: The linen room it is, from March.");

    await (await byLabel(browser, "What came of it")).setValue("The quiet room opened in March.");
    await (await byLabel(browser, "What we learned")).setValue("Ask estates first; they had the room all along.");
    await (await button(browser, "Close and add to our history")).click();
    await waitForText(browser, "moved it from Active to Done");
    await screenshot(browser, "initiatives-page-done");

    await (await button(browser, "All initiatives")).click();
    await (await button(browser, "History")).click();
    const history = await browser.$('ol[aria-label="History"]');
    await history.waitForExist();
    const text = await history.getText();
    assert.ok(text.includes(title) && text.includes("Ask estates first"), "the reflection is part of the history");
    await screenshot(browser, "initiatives-history");
  } finally {
    await app.close();
  }
});

test("the list filters initiatives and community questions show their tally, reasons and outcome", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    await navigate(browser, "Initiatives");
    await (await button(browser, "List")).click();
    const titles = () =>
      browser.execute(() => [...document.querySelectorAll('ul[aria-label="Initiatives"] h3')].map((h) => h.textContent.trim()));
    assert.equal((await titles()).length, 6, "the demo has an initiative in every state");
    await (await byLabel(browser, "Status")).selectByVisibleText("Paused");
    await browser.waitUntil(async () => (await titles()).join() === "Night-shift breakfast", { timeoutMsg: "the status filter did not apply" });
    await (await byLabel(browser, "Status")).selectByVisibleText("Any status");
    await (await browser.$("label=Needs help")).click();
    const needsHelp = ["Buddy system for newly qualified nurses", "Falls clinic in the community hall", "Plain-language leaflets with patients"];
    await browser.waitUntil(async () => (await titles()).sort().join() === needsHelp.join(), {
      timeoutMsg: "needs help should leave out done, dropped and initiatives wanting no help",
    });

    await (await button(browser, "Community questions")).click();
    await waitForText(browser, "Move the monthly meeting to Thursdays");
    await waitForText(browser, "Agree 1 · Abstain 0 · Disagree 0 · Block 1");
    await waitForText(browser, "Thursday is the ambulance training day.");
    await waitForText(browser, "Outcome: We stay on Tuesdays and revisit in spring.");
    await screenshot(browser, "initiatives-questions");
  } finally {
    await app.close();
  }
});
