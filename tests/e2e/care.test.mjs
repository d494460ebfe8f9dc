// Care notes: shared with named members only; others never see them in the window.
import { test } from "node:test";
import assert from "node:assert/strict";
import { button, byLabel, launch, navigate, openDemo, scratch, screenshot, switchTo, waitForText } from "./harness.mjs";


async function openCare(browser) {
  await navigate(browser, "People");
  await (await button(browser, "Care notes")).click();
}

test("a care note reaches the people named and nobody else", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    await switchTo(browser, "Hannah Schmidt");
    await openCare(browser);
    await (await button(browser, "Share something hard")).click();
    await (await byLabel(browser, "In a few words")).setValue("Struggling after a difficult night shift");
    await (await byLabel(browser, "Who may see it")).selectByAttribute("value", "members");
    await (await browser.$("label=Arjun Nair")).click();
    await (await button(browser, "Share quietly")).click();
    await waitForText(browser, "Only you and Arjun Nair can see this.");
    await screenshot(browser, "care-shared");

    await switchTo(browser, "Marta Nowak");
    await openCare(browser);
    await waitForText(browser, "No care notes are shared with you.");
    assert.ok(!(await browser.$("main").getText()).includes("difficult night shift"), "an outsider never sees it");

    await switchTo(browser, "Arjun Nair");
    await openCare(browser);
    await waitForText(browser, "Struggling after a difficult night shift");
    await (await byLabel(browser, "Offer support")).setValue("Coffee tomorrow? I'm around.");
    await (await button(browser, "Send")).click();
    await waitForText(browser, "Coffee tomorrow? I'm around.");
    await screenshot(browser, "care-support");
  } finally {
    await app.close();
  }
});
