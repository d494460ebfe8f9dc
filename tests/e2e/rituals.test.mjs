// Rituals in the real window: start one, answer "this and all following", then change one
// gathering to "not going" and see the others stay going; cancel a gathering as its starter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

/** Each gathering's pressed answer, in order. */
async function answers(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll("li.gathering")].map((item) => item.querySelector('[role="group"] button[aria-pressed="true"]')?.textContent?.trim() ?? ""),
  );
}

test("a member answers for all following gatherings, then changes one to not going", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Rituals");
    await (await button(browser, "Start a ritual")).click();
    await (await byLabel(browser, "Name")).setValue("Monthly dinner");
    await (await byLabel(browser, "Why we do it")).setValue("We eat together and say what we **learned** this month.");
    await (await byLabel(browser, "Time zone")).clearValue();
    await (await byLabel(browser, "Time zone")).setValue("Europe/Paris");
    await waitForText(browser, "The last Friday of each month, at 19:00 (Europe/Paris).");
    await (await button(browser, "Start it")).click();
    await waitForText(browser, "Next gatherings");
    await waitForText(browser, "Why we do it");

    await (await browser.$("label.following input")).click();
    await (await (await browser.$$("li.gathering"))[0].$("button=Going")).click();
    await browser.waitUntil(async () => (await answers(browser)).every((a) => a === "Going"), {
      timeoutMsg: "answering for all following did not mark every gathering going",
    });
    await waitForText(browser, "from your answer for all following");

    // One gathering alone: the third becomes "not going", the others stay going.
    await (await browser.$("label.following input")).click();
    const third = (await browser.$$("li.gathering"))[2];
    await (await third.$("button*=Not going")).click();
    await browser.waitUntil(async () => (await answers(browser))[2] === "Not going", { timeoutMsg: "the third did not change" });
    const after = await answers(browser);
    assert.deepEqual(after.slice(0, 5), ["Going", "Going", "Not going", "Going", "Going"], "only that gathering changed");

    // Hosts: Amara offers, is suggested for the next gathering, and is asked to host it.
    await (await button(browser, "I'd host")).click();
    await waitForText(browser, "Willing to host: Amara Okafor.");
    await waitForText(browser, "Suggested host for");
    await (await button(browser, "Ask Amara Okafor to host")).click();
    await browser.waitUntil(async () => (await (await browser.$$("li.gathering"))[0].getText()).includes("Host: Amara Okafor"), {
      timeoutMsg: "the first gathering has no host",
    });

    // The second gathering's own page: as its starter, cancel it; back on the ritual's page it
    // stays listed, marked, without answers.
    await (await (await browser.$$("li.gathering"))[1].$("button*=Open")).click();
    const page = await browser.$("article.gathering-page");
    await page.waitForExist({ timeoutMsg: "the gathering's page did not open" });
    await (await page.$("button=Cancel this gathering")).click();
    await (await browser.$("button.danger=Cancel the gathering")).click();
    await waitForText(browser, "Restore this gathering");
    await (await browser.$("button.back")).click();
    await browser.waitUntil(async () => (await (await browser.$$("li.gathering"))[1].getText()).includes("Cancelled"), {
      timeoutMsg: "the gathering was not marked cancelled",
    });
    await (await browser.$("h1")).scrollIntoView();
    await screenshot(browser, "ritual-answers");

    // The first gathering's page: who is going, a note for the hosts (Amara, a lead and its
    // host, reads the notes too), the tables and a potluck.
    await (await (await browser.$$("li.gathering"))[0].$("button*=Open")).click();
    const first = await browser.$("article.gathering-page");
    await first.waitForExist({ timeoutMsg: "the first gathering's page did not open" });
    assert.match(await (await first.$('[aria-label="Who is going"]')).getText(), /Amara Okafor/, "who is going, by name");
    await (await first.$('input[aria-label="Note for the leads"]')).setValue("Arriving late from a shift");
    await (await first.$("button=Save")).click();
    await browser.waitUntil(async () => (await first.getText()).includes("Amara Okafor: Arriving late from a shift"), {
      timeoutMsg: "the note did not reach the hosts' view",
    });

    // The tables, from those going (here only Amara so far).
    await (await first.$("button*=Mix the tables")).click();
    await browser.waitUntil(async () => (await first.getText()).includes("Table 1"), { timeoutMsg: "no table was mixed" });
    const card = await first.$(".table-card");
    assert.match(await card.getText(), /Amara Okafor/, "who is going sits at a table");
    await card.scrollIntoView({ block: "center" });
    await screenshot(browser, "ritual-tables");

    // A potluck: add bread to the bring list and bring it yourself.
    await (await first.$('input[aria-label="Add to the bring list"]')).setValue("Bread");
    await (await first.$("button=Add")).click();
    await browser.waitUntil(async () => (await first.getText()).includes("Bread"), { timeoutMsg: "the item was not added" });
    await (await first.$("button*=I'll bring it")).click();
    await browser.waitUntil(async () => (await first.getText()).includes("you bring it"), { timeoutMsg: "the item was not claimed" });
    await (await browser.$("h1")).scrollIntoView();
    await screenshot(browser, "gathering-page");

    await (await browser.$("button.back")).click();
    await waitForText(browser, "Next gatherings");
    await (await button(browser, "All rituals")).click();
    await waitForText(browser, "The last Friday of each month");
    await waitForText(browser, "you: going");
    // Conversation pairs: opt in.
    await (await browser.$('[aria-label="Conversation pairs"] input[type="checkbox"]')).click();
    await waitForText(browser, "1 member has opted in");
    await screenshot(browser, "rituals-list");

    // Home shows the next gathering and the answer given.
    await navigate(browser, "Home");
    await waitForText(browser, "Next gathering");
    await waitForText(browser, "You: going");
  } finally {
    await app.close();
  }
});

test("a lead confirms who went to a past dinner from its moment's photos and who was there", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await navigate(browser, "Rituals");
    await (await button(browser, "Summer walk along the river")).click();
    await waitForText(browser, "It began with the moment “Walk along the river”");
    await (await button(browser, "All rituals")).click();
    await (await button(browser, "Second-Friday dinner")).click();
    await waitForText(browser, "Past gatherings");
    const spring = await browser.$('li.past[aria-label="Fri 11 April 2025, 19:00"]');
    await spring.waitForExist({ timeoutMsg: "the spring dinner is not among the past gatherings" });
    await spring.scrollIntoView({ block: "center" });
    assert.match(await spring.getText(), /Nobody recorded yet/);
    assert.match(await spring.getText(), /Its moment proposes who went/, "its moment proposes who went");
    await (await spring.$("button*=Open")).click();
    const page = await browser.$("article.gathering-page");
    await page.waitForExist({ timeoutMsg: "the spring dinner's page did not open" });
    assert.match(await page.getText(), /From its moment/);
    await waitForText(browser, "What we learned");
    await screenshot(browser, "ritual-attendance-proposed");
    await (await page.$("button*=Confirm they went")).click();
    await browser.waitUntil(async () => !(await page.getText()).includes("From its moment"), { timeoutMsg: "the proposals were not confirmed" });
    assert.doesNotMatch(await (await page.$('[aria-label="Who went"]')).getText(), /Nobody recorded yet/, "who went is recorded");
    await screenshot(browser, "ritual-attendance-confirmed");
    await (await browser.$("button.back")).click();
    await browser.waitUntil(async () => /\d+ went: /.test(await (await browser.$('li.past[aria-label="Fri 11 April 2025, 19:00"]')).getText()), {
      timeoutMsg: "the ritual's page does not show who went",
    });
    // Looking back counts who came by month, first-timers apart.
    const back = await browser.$('[aria-label="Looking back"]');
    await back.scrollIntoView({ block: "center" });
    assert.match(await back.getText(), /2025/);
    await screenshot(browser, "ritual-looking-back");
  } finally {
    await app.close();
  }
});
