// Stories: write one to a prompt, respond to it as another member, and the author sees who.
import { test } from "node:test";
import assert from "node:assert/strict";
import { button, byLabel, launch, navigate, openDemo, scratch, screenshot, switchTo, waitForText } from "./harness.mjs";


async function openStory(browser, title) {
  await navigate(browser, "People");
  await (await button(browser, "Stories")).click();
  await (await button(browser, title)).click();
  await browser.$("article h2").waitForExist();
  assert.equal(await browser.$("article h2").getText(), title);
}

test("a story written to a prompt gets a response from another member, and its author sees it", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    await navigate(browser, "People");
    await (await button(browser, "Stories")).click();
    await waitForText(browser, "My grandmother's pill box");
    await screenshot(browser, "stories-list");

    await (await button(browser, "Write a story")).click();
    await (await byLabel(browser, "Prompt")).selectByAttribute("value", "prompt-taught-me");
    await waitForText(browser, "“Someone who taught you something you still use”");
    await (await byLabel(browser, "Title")).setValue("Sister Agnes and the quiet minute");
    await (await byLabel(browser, "Your story")).setValue("She taught me to stand still for *one minute* before entering a room.");
    await (await browser.$("aria/About learning: what I learned, what changed my practice")).click();
    await screenshot(browser, "stories-compose");
    await (await button(browser, "Share story")).click();
    await browser.$("article").$("h2=Sister Agnes and the quiet minute").waitForExist();
    assert.equal(await browser.$("article .body em").getText(), "one minute", "the story's Markdown is rendered");

    await switchTo(browser, "Tomás Herrera");
    await openStory(browser, "Sister Agnes and the quiet minute");
    await (await byLabel(browser, "Your response")).setValue("I do this now too. Thank you, Amara.");
    await (await button(browser, "Respond")).click();
    await waitForText(browser, "1 response");
    await (await browser.$('button[aria-label^="Learned"]')).click();
    await browser.$('button[aria-label="Learned 1, learned from this: Tomás Herrera"]').waitForExist({ timeoutMsg: "the reaction was not recorded" });

    await switchTo(browser, "Amara Okafor");
    await openStory(browser, "Sister Agnes and the quiet minute");
    await waitForText(browser, "I do this now too. Thank you, Amara.");
    const responder = await browser.$('section[aria-label="Responses"] .who strong').getText();
    assert.equal(responder, "Tomás Herrera", "the author sees who responded");
    await screenshot(browser, "stories-response-seen-by-author");
  } finally {
    await app.close();
  }
});
