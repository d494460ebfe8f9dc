// Libraries that cannot be opened normally: each gets a clear message, and nothing on disk changes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

function snapshot(dir) {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name)).toString("base64")]));
}

test("a damaged hearth.db is reported and left exactly as it was", async () => {
  const dirs = scratch();
  hearth("init", dirs.library, "--name", "Damaged Circle", "--me", "Ada");
  const db = join(dirs.library, "hearth.db");
  const bytes = readFileSync(db);
  writeFileSync(db, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const before = readFileSync(db);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await waitForText(browser, "This library is damaged");
    await waitForText(browser, "truncated");
    await waitForText(browser, "Start our community");
    await screenshot(browser, "bad-library-damaged");
  } finally {
    await app.close();
  }
  assert.deepEqual(readFileSync(db), before, "the damaged file is not touched");
});

test("a folder that is not a library says so and is not changed", async () => {
  const dirs = scratch();
  mkdirSync(dirs.library);
  writeFileSync(join(dirs.library, "minutes.txt"), "notes from our last meeting");
  const before = snapshot(dirs.library);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await waitForText(browser, "This folder is not a Hearth library");
    await waitForText(browser, "it has no hearth.db");
    await screenshot(browser, "bad-library-not-a-library");
  } finally {
    await app.close();
  }
  assert.deepEqual(snapshot(dirs.library), before, "nothing is created in someone else's folder");
});

test("a library from a newer Hearth opens read-only and says why", async () => {
  const dirs = scratch();
  hearth("init", dirs.library, "--name", "Future Circle", "--me", "Ada");
  const db = join(dirs.library, "hearth.db");
  const bytes = readFileSync(db);
  bytes.writeUInt32BE(99, 60); // PRAGMA user_version lives at offset 60 of the header
  writeFileSync(db, bytes);
  const before = readFileSync(db);
  const app = await launch(dirs);
  try {
    const { browser } = app;
    await waitForText(browser, "Future Circle");
    await waitForText(browser, "written by a newer version of Hearth");
    await navigate(browser, "Settings");
    await waitForText(browser, "This library is read-only.");
    assert.equal(await browser.$("#settings-name").isEnabled(), false, "community fields cannot be edited");
    await screenshot(browser, "bad-library-newer-version");
  } finally {
    await app.close();
  }
  assert.deepEqual(readFileSync(db), before, "a newer library is never changed");
});
