// Community health in the real window, on the demo: its lead sees the four planted findings
// (a newcomer's unanswered first story, a member with no exchange, a circle of five keeping to
// itself, learning giving way to belonging), each with its next step, the network picture and
// its words, and one suggestion on Home; a member sees only the community's figures, and
// leaves themselves out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hearth, launch, navigate, scratch, screenshot, switchTo, waitForText } from "./harness.mjs";

test("the lead sees the planted findings with their next steps; a member only figures", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    // Home: one suggestion, from the first finding that names people.
    await waitForText(browser, "A suggestion for you");
    const home = await browser.$('section[aria-labelledby="suggestion-heading"]');
    assert.match(await home.getText(), /first story has waited a week or more/);
    assert.match(await home.getText(), /Only leads see this/);
    assert.equal((await browser.$$('section[aria-labelledby="suggestion-heading"]')).length, 1, "at most one suggestion");

    await navigate(browser, "Community health");
    await waitForText(browser, "What to look at");
    const finding = async (kind) => {
      const card = await browser.$(`li.finding[data-kind="${kind}"]`);
      await card.waitForExist({ timeoutMsg: `no ${kind} finding` });
      return card.getText();
    };
    assert.match(await finding("storyUnanswered"), /Who: Amelia Watson[\s\S]*Next step: Reply to the story/);
    assert.match(await finding("isolated"), /Zanele Khumalo/);
    const circle = await finding("split");
    const five = ["Grace Mwangi", "Oliver Bennett", "Leilani Kahale", "Arjun Nair", "Yusuf Demir"];
    assert.match(circle, /Who \(3 of 5\)/, "three of the five named, as the weekly cap allows");
    assert.equal(five.filter((name) => circle.includes(name)).length, 3, circle);
    assert.match(circle, /Next step: Ask one of them/);
    assert.match(await finding("learningSlide"), /Fewer exchanges are about practice lately/);
    await screenshot(browser, "health-findings");

    // The picture: shapes and names, and the same facts in words.
    const picture = await browser.$("figure.network");
    await picture.scrollIntoView({ block: "start" });
    assert.ok((await picture.$$("path.mark")).length >= 30, "every member is drawn");
    await screenshot(browser, "health-picture");
    await (await picture.$("summary=The picture in words")).click();
    const words = await (await picture.$("details.words")).getText();
    assert.match(words, /Zanele Khumalo\s*member\s*no one\s*no exchange in the last 90 days/);
    assert.match(words, /in group A, which keeps mostly to itself/);

    // A member: figures only, nobody named, no picture.
    await switchTo(browser, "Sipho Dlamini");
    await navigate(browser, "Community health");
    await waitForText(browser, "What the figures say");
    const text = await (await browser.$("main")).getText();
    for (const name of ["Zanele", "Grace Mwangi", "Amelia", "Arjun"]) assert.ok(!text.includes(name), `${name} shown to a member`);
    assert.equal((await browser.$$("figure.network")).length, 0, "no picture for a member");
    assert.match(text, /Fewer exchanges are about practice lately/);
    assert.match(text, /Most of the 30 members/, "one member without an exchange is not a figure a member reads");
    await screenshot(browser, "health-member");
    // Leaving oneself out.
    await (await browser.$("label*=Leave me out of community health")).click();
    await waitForText(browser, "You are left out of community health");
    await browser.waitUntil(async () => /Most of the 29 members/.test(await (await browser.$("main")).getText()), {
      timeoutMsg: "the member is still counted after leaving themselves out",
    });
  } finally {
    await app.close();
  }
});
