// Celebrations: a birthday coming up shows on another member's home; they leave a message
// on its board, and the honouree sees it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { button, byLabel, launch, navigate, openDemo, scratch, screenshot, switchTo, waitForText } from "./harness.mjs";


test("a member sees a birthday coming up and leaves a message the honouree reads", async () => {
  const soon = new Date();
  soon.setDate(soon.getDate() + 5);
  const month = String(soon.getMonth() + 1).padStart(2, "0");
  const day = String(soon.getDate()).padStart(2, "0");

  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    await (await browser.$('button.me')).click();
    await (await button(browser, "Edit profile")).click();
    await (await byLabel(browser, "Birthday month")).selectByAttribute("value", month);
    await (await byLabel(browser, "Birthday day")).selectByAttribute("value", day);
    const celebrate = await byLabel(browser, "Celebrate my birthday with the community");
    if (!(await celebrate.isSelected())) await celebrate.click();
    await (await button(browser, "Save profile")).click();
    await waitForText(browser, "Birthday");

    await switchTo(browser, "Tomás Herrera");
    await navigate(browser, "Home");
    await waitForText(browser, "Amara's birthday");
    await waitForText(browser, "in 5 days");
    await screenshot(browser, "celebrations-home-coming-up");
    await (await button(browser, "Amara's birthday")).click();
    await browser.$("main").$("h1=Amara's birthday").waitForExist({ timeoutMsg: "the board did not open" });
    await (await byLabel(browser, "Your message")).setValue("Happy birthday, Amara! Thank you for *everything* this year.");
    await (await button(browser, "Leave message")).click();
    await browser.$('ul[aria-label="Messages"] em').waitForExist({ timeoutMsg: "the message did not appear" });

    await switchTo(browser, "Amara Okafor");
    await navigate(browser, "People");
    await (await button(browser, "Celebrations")).click();
    await (await button(browser, "Amara's birthday")).click();
    await waitForText(browser, "These are for you, Amara.");
    const from = await browser.$('ul[aria-label="Messages"] .from').getText();
    assert.match(from, /Tomás Herrera$/, "the honouree sees who left the message");
    await screenshot(browser, "celebrations-board-honouree");
  } finally {
    await app.close();
  }
});
