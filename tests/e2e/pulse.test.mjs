// The community pulse in the real window: a lead opens a round, two members answer it (one with
// the keyboard on a slider), the lead closes it and sees "too few" (two answers are below the
// threshold); the demo's closed rounds show the community's picture and its opinion groups.
import { test } from "node:test";
import assert from "node:assert/strict";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, switchTo, waitForText } from "./harness.mjs";

test("open a round, answer as two members, close it: too few; the demo's rounds show their picture", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Community pulse");
    const autumn = await browser.$('section[aria-label="Autumn pulse"]');
    await autumn.waitForExist({ timeoutMsg: "the demo's confidential round is missing" });
    assert.match(await autumn.getText(), /Anonymous/);
    assert.match(await autumn.getText(), /28 of \d+ answered/);
    await browser.waitUntil(async () => (await autumn.$$("svg")).length > 0, { timeoutMsg: "no chart of the picture" });
    assert.match(await autumn.getText(), /Opinion groups/);
    await autumn.scrollIntoView();
    await screenshot(browser, "pulse-picture");
    // The open spring round: its groups on a map, with Amara's own answer and no one else's.
    const spring = await browser.$('section[aria-label="Spring pulse"]');
    const map = await spring.$("figure.map");
    await map.waitForExist({ timeoutMsg: "the spring round shows no map of its groups" });
    assert.match(await map.getText(), /Your own answer is marked|you/);
    await map.scrollIntoView({ block: "center" });
    await screenshot(browser, "pulse-groups");
    // From a gap to action: propose something for a dimension, pre-filled with it.
    await (await autumn.$("button*=Propose something for Influence")).click();
    await (await autumn.$('input[aria-label="Proposal for Influence"]')).setValue("Write to the trust board together");
    await (await autumn.$("button=Propose")).click();
    await waitForText(browser, "Proposed “Write to the trust board together” on the Initiatives board.");
    await browser.waitUntil(async () => (await autumn.getText()).includes("Write to the trust board together (idea)"), {
      timeoutMsg: "the proposal is not listed beside its dimension",
    });

    await (await button(browser, "Open a round")).click();
    await (await byLabel(browser, "Name")).setValue("Quick check");
    await (await button(browser, "Open it")).click();
    const round = await browser.$('section[aria-label="Quick check"]');
    await round.waitForExist({ timeoutMsg: "the new round is not listed" });
    // The first slider with the keyboard: two steps up from 5.
    const slider = await round.$('input[type="range"]');
    await slider.click();
    await browser.keys(["ArrowRight", "ArrowRight"]);
    await (await round.$("button=Send my answer")).click();
    await browser.waitUntil(async () => /1 of \d+ answered/.test(await round.getText()), { timeoutMsg: "the answer was not counted" });
    await screenshot(browser, "pulse-answer");

    await switchTo(browser, "Grace Mwangi");
    await navigate(browser, "Community pulse");
    const hers = await browser.$('section[aria-label="Quick check"]');
    await (await hers.$$('input[type="range"]'))[1].click();
    await browser.keys(["ArrowLeft"]);
    await (await hers.$("button=Send my answer")).click();
    await browser.waitUntil(async () => /2 of \d+ answered/.test(await hers.getText()), { timeoutMsg: "Grace's answer was not counted" });

    await switchTo(browser, "Amara Okafor");
    await navigate(browser, "Community pulse");
    const mine = await browser.$('section[aria-label="Quick check"]');
    await (await mine.$("button=Close the round and publish the results")).click();
    await (await browser.$("button.danger=Close the round")).click();
    await browser.waitUntil(async () => (await mine.getText()).includes("The summary needs at least 5 answers"), { timeoutMsg: "two answers were summarised" });
    await screenshot(browser, "pulse-too-few");
    await waitForText(browser, "Wishes over time");
    await (await browser.$('section[aria-label="Trend"]')).scrollIntoView({ block: "center" });
    await screenshot(browser, "pulse-trend");
  } finally {
    await app.close();
  }
});
