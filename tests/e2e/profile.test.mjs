// Completing a profile in the window, with a field kept private; the core enforces it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { button, byLabel, hearth, launch, openDemo, scratch, screenshot, waitForText } from "./harness.mjs";

test("a member completes their profile and chooses who sees what", async () => {
  const dirs = scratch();
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await openDemo(browser);
    await (await browser.$('button.me')).click();
    await (await button(browser, "Edit profile")).click();

    await (await byLabel(browser, "Pronouns")).setValue("she/her");
    await (await byLabel(browser, "Years in practice")).setValue("14");
    await (await byLabel(browser, "Expertise")).setValue("simulation, debriefing");
    await (await byLabel(browser, "About me")).setValue("I teach with **simulation**.\n\nOutside work I sing in a choir.");
    await (await byLabel(browser, "How to reach me")).setValue("amara@example.org");
    await (await byLabel(browser, "Who can see your how to reach me")).selectByAttribute("value", "onlyMe");
    await (await byLabel(browser, "Birthday month")).selectByAttribute("value", "07");
    await (await byLabel(browser, "Birthday day")).selectByAttribute("value", "14");
    await (await byLabel(browser, "Celebrate my birthday with the community")).click();
    await screenshot(browser, "profile-edit");
    await (await button(browser, "Save profile")).click();

    await waitForText(browser, "she/her");
    await waitForText(browser, "14 years in practice");
    const bold = await browser.$(".bio strong");
    assert.equal(await bold.getText(), "simulation", "the bio's Markdown is rendered");
    await waitForText(browser, "14 July");
    await screenshot(browser, "profile-view");
  } finally {
    await app.close();
  }

  const library = join(dirs.data, "Hearth", "Demo community");
  const asOther = JSON.parse(hearth("members", "show", library, "Amara Okafor", "--as", "Tomás Herrera", "--json"));
  assert.equal(asOther.contact, null, "a field kept to 'only me' does not reach another member");
  assert.equal(asOther.pronouns, "she/her", "community fields do");
  const asSelf = JSON.parse(hearth("members", "show", library, "Amara Okafor", "--as", "Amara Okafor", "--json"));
  assert.equal(asSelf.contact, "amara@example.org");
  assert.equal(asSelf.birthday, "07-14");
});

test("a link in a bio never takes the window away: it asks, then opens the browser", async () => {
  const dirs = scratch();
  // A stand-in for the desktop's `xdg-open`, first on the PATH: it writes down what it was
  // asked to open and whether Hearth's own WebKit settings reached it.
  const bin = join(dirs.base, "bin");
  const opened = join(dirs.base, "opened.txt");
  mkdirSync(bin);
  writeFileSync(
    join(bin, "xdg-open"),
    // Appended, one line per call, so a second (unwanted) open would show.
    `#!/bin/sh\nprintf '%s jit=%s gl=%s\\n' "$1" "\${JSC_useJIT-unset}" "\${GDK_GL-unset}" >> "${opened}"\n`,
    { mode: 0o755 },
  );
  // (JSC_useJIT unset here, so that Hearth sets it for its window and must leave it out.)
  const app = await launch(dirs, { env: { PATH: `${bin}:${process.env.PATH}`, JSC_useJIT: undefined, GDK_GL: undefined } });
  try {
    const { browser } = app;
    await openDemo(browser);
    await (await browser.$('button.me')).click();
    await (await button(browser, "Edit profile")).click();
    const bio = await byLabel(browser, "About me");
    await bio.clearValue();
    await bio.setValue(
      "My slides: [the falls audit](https://example.org/falls-audit) and [a page](settings). " +
        "[Write to me](mailto:amara@example.org?attach=/etc/passwd), [my bank](https://bank.example@elsewhere.example/).",
    );
    await (await button(browser, "Save profile")).click();
    await waitForText(browser, "the falls audit");
    const before = await browser.getUrl();
    const relative = await browser.$("a=a page");
    assert.ok(!(await relative.isExisting()) || (await relative.getAttribute("href")) === null, "a relative link leads nowhere");
    await (await browser.$("a=the falls audit")).click();
    await waitForText(browser, "Open https://example.org/falls-audit in your web browser?");
    await screenshot(browser, "link-asks-first");
    await (await button(browser, "Cancel")).click();
    assert.equal(await browser.getUrl(), before, "the window is still Hearth");
    await waitForText(browser, "Edit profile");
    assert.ok(!existsSync(opened), "nothing is opened when the person cancels");
    // A mail link names the address and the mail program; one that reads as one site and goes
    // to another (a name before "@") asks nothing and opens nothing.
    await (await browser.$("a=Write to me")).click();
    await waitForText(browser, "Write to amara@example.org in your mail program?");
    await button(browser, "Open mail program");
    await (await button(browser, "Cancel")).click();
    const bank = await browser.$("a=my bank");
    assert.equal(await bank.getAttribute("href"), "https://bank.example@elsewhere.example/", "the disguised link is in the bio");
    await bank.click();
    await waitForText(browser, "Hearth does not open this link");
    assert.ok(!(await (await browser.$("button*=Open in browser")).isExisting()), "a disguised link is not offered");
    await (await button(browser, "OK")).click();
    assert.equal(await browser.getUrl(), before, "the window is still Hearth");
    assert.ok(!existsSync(opened), "nothing is opened for a mail link cancelled or a disguised link");
    await (await browser.$("a=the falls audit")).click();
    await (await button(browser, "Open in browser")).click();
    const calls = () => (existsSync(opened) ? readFileSync(opened, "utf8").split("\n").filter(Boolean) : []);
    await browser.waitUntil(() => calls().length > 0, { timeoutMsg: "the link was not handed to the desktop's xdg-open" });
    await new Promise((done) => setTimeout(done, 500));
    assert.deepEqual(
      calls(),
      ["https://example.org/falls-audit jit=unset gl=unset"],
      "opened once, after the person agreed, without the window's JIT or GL settings (JSC_useJIT, GDK_GL)",
    );
    assert.equal(await browser.getUrl(), before, "the window is still Hearth");
    // Even a script that sends the window elsewhere is refused by the shell.
    await browser.execute(() => {
      window.location.href = "https://example.org/phishing";
    });
    await new Promise((done) => setTimeout(done, 1500));
    assert.equal(await browser.getUrl(), before, "the shell keeps the window on Hearth's pages");
    await waitForText(browser, "Edit profile");
    // A computer with no program for the link: every launcher Hearth tries fails at once
    // (xdg-open's status 3, "a required tool could not be found"), and the person is told.
    for (const launcher of ["xdg-open", "gio", "gnome-open", "kde-open6", "kde-open5", "kde-open"]) {
      writeFileSync(join(bin, launcher), "#!/bin/sh\nexit 3\n", { mode: 0o755 });
    }
    await (await browser.$("a=the falls audit")).click();
    await (await button(browser, "Open in browser")).click();
    await waitForText(browser, "No web browser on this computer opened the link. Choose a default web browser");
    await screenshot(browser, "link-could-not-open");
    await (await button(browser, "OK")).click();
    await browser.waitUntil(async () => !(await (await browser.$("dialog[open]")).isExisting()), {
      timeoutMsg: "OK closes the message",
    });
    assert.equal(calls().length, 1, "the failing launchers wrote nothing; the first link was opened once");
  } finally {
    await app.close();
  }
});
