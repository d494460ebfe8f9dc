// Drives the real Hearth window: tauri-driver + WebKitWebDriver + the built app, each test on
// fresh temporary folders (library, data and config dirs), a PNG screenshot per test.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, existsSync, openSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import net from "node:net";
import { remote } from "webdriverio";

export const root = resolve(import.meta.dirname, "../..");
export const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, "target");
export const appBinary = process.env.HEARTH_APP ?? join(targetDir, "debug", "hearth-desktop");
export const cliBinary = process.env.HEARTH_CLI ?? join(targetDir, "debug", "hearth");
export const screenshotDir = join(root, "target", "e2e-screenshots");
const logDir = join(root, "target", "e2e-logs");

const scratchDirs = [];
// Each scratch folder goes when the test file's process ends (an unpacked package alone is
// half a gigabyte, and forty test files a run filled the disk). HEARTH_E2E_KEEP=1 keeps them
// for a look after a failure; the window's logs are kept in target/e2e-logs either way.
process.on("exit", () => {
  if (process.env.HEARTH_E2E_KEEP === "1") return;
  for (const dir of scratchDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      // A WebKit helper still writing: the folder stays, the test's result does not change.
      console.warn(`could not remove ${dir}: ${error.message}`);
    }
  }
});

/**
 * Fresh folders for one test: `data` and `config` are the XDG dirs, `library` is where the
 * app looks. Removed when the test file's process exits, unless HEARTH_E2E_KEEP=1.
 */
export function scratch() {
  const base = mkdtempSync(join(tmpdir(), "hearth-e2e-"));
  scratchDirs.push(base);
  const dirs = { base, data: join(base, "data"), config: join(base, "config"), library: join(base, "library") };
  mkdirSync(dirs.data);
  mkdirSync(dirs.config);
  return dirs;
}

/** Runs the `hearth` CLI (to prepare fixtures the way a person would). */
export function hearth(...args) {
  return execFileSync(cliBinary, args, { encoding: "utf8" });
}

async function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitForPort(port, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const open = await new Promise((done) => {
      const socket = net.connect(port, "127.0.0.1", () => (socket.end(), done(true)));
      socket.once("error", () => done(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}

/**
 * Starts the app on `dirs` and returns a session. The app is started by tauri-driver, which
 * passes its environment on, so XDG dirs point into the scratch folder (and `env` reaches the app).
 */
export async function launch(dirs, { library = dirs.library, env = {}, app = appBinary } = {}) {
  if (!existsSync(app)) throw new Error(`${app} is missing: build it with \`make app\``);
  const port = await freePort();
  const nativePort = await freePort();
  // The driver, the app and WebKit's helpers write to a log file, never to this process's
  // pipes: a helper that outlives its test must not keep the test runner waiting.
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, `${dirs.base.split("/").pop()}.log`), "a");
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, XDG_DATA_HOME: dirs.data, XDG_CONFIG_HOME: dirs.config, RUST_LOG: "warn", ...env },
    stdio: ["ignore", log, log],
  });
  await waitForPort(port, driver);
  const args = ["--config-dir", dirs.config];
  if (library) args.push("--library", library);
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    connectionRetryCount: 1,
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: app, args },
    },
  });
  let closed = false;
  const session = {
    browser,
    /** Ends the session and stops the driver; a second call does nothing. */
    async close() {
      if (closed) return;
      closed = true;
      // Always end the session and stop the driver politely: a killed driver leaves
      // WebKitWebDriver holding the port with the previous test's environment.
      try {
        await browser.deleteSession();
      } catch {}
      const exited = new Promise((done) => {
        if (driver.exitCode !== null || driver.signalCode !== null) done();
        else driver.once("exit", done);
      });
      driver.kill("SIGTERM");
      await exited;
      closeSync(log);
      // An app the driver failed to close would hold this test's folders: end it.
      try {
        execFileSync("pkill", ["-f", "--", `--config-dir ${dirs.config}`]);
      } catch {}
    },
  };
  return session;
}

/** Saves a screenshot of the window (after a pause: the capture can lag the DOM). */
export async function screenshot(browser, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await sleep(1000);
  // Without accelerated compositing (the window's choice on a machine with no GPU), WebKit's
  // WebDriver takes a screenshot after the page's next repaint, and a still page never
  // repaints: the command hangs. A one-pixel dot, invisible (opacity 0 and 0.01), flickers
  // while it is taken.
  await browser.execute(() => {
    const dot = document.createElement("div");
    dot.id = "hearth-e2e-repaint";
    dot.setAttribute("aria-hidden", "true");
    dot.style.cssText = "position:fixed;left:0;bottom:0;width:1px;height:1px;opacity:0;pointer-events:none;background:#888";
    document.body.append(dot);
    window.__hearthRepaint = setInterval(() => (dot.style.opacity = dot.style.opacity === "0" ? "0.01" : "0"), 40);
  });
  try {
    await browser.saveScreenshot(join(screenshotDir, `${name}.png`));
  } finally {
    await browser.execute(() => {
      clearInterval(window.__hearthRepaint);
      document.getElementById("hearth-e2e-repaint")?.remove();
    });
  }
}

/** The form control or region whose accessible name (label, aria-label) is `name`. */
export async function byLabel(browser, name, { timeout = 10_000 } = {}) {
  const element = await browser.$(`aria/${name}`);
  await element.waitForExist({ timeout, timeoutMsg: `nothing labelled "${name}" appeared` });
  return element;
}

/** The button whose text contains `text`, once it is there. */
export async function button(browser, text, { timeout = 10_000 } = {}) {
  const element = await browser.$(`button*=${text}`);
  await element.waitForClickable({ timeout, timeoutMsg: `no clickable button "${text}" appeared` });
  return element;
}

/** Waits until some visible text of the page contains `text`. */
export async function waitForText(browser, text, { timeout = 10_000 } = {}) {
  await browser.waitUntil(async () => (await browser.$("body").getText()).includes(text), {
    timeout,
    timeoutMsg: `the window never showed "${text}"`,
  });
}

export async function heading(browser) {
  return browser.$("main h1").getText();
}

/** Opens a section from the sidebar, returning its button. */
export async function navigate(browser, label) {
  const nav = await browser.$('nav[aria-label="Sections"]');
  await nav.waitForExist({ timeoutMsg: "the sidebar never appeared" });
  const link = await nav.$(`button*=${label}`);
  // With large text the sidebar scrolls: bring the button to its middle before clicking.
  await link.scrollIntoView({ block: "center" });
  await link.click();
  return link;
}

/** The sidebar's sections in the demo, each with the heading it opens on. */
export const demoSections = [
  ["Home", "Riverside Care Learning Circle"],
  ["People", "People"],
  ["Memories", "Memories"],
  ["Initiatives", "Initiatives"],
  ["Rituals & artefacts", "Rituals"],
  ["Community pulse", "Community pulse"],
  ["Community health", "Community health"],
  ["Settings", "Settings"],
];

/** Opens a section and waits until its heading is `title` and its data had time to arrive. */
export async function openSection(browser, label, title) {
  await navigate(browser, label);
  await browser.waitUntil(async () => (await browser.$("main h1").getText()) === title, { timeoutMsg: `${label} did not open` });
  await browser.pause(400);
}

/** Opens the demo community from the welcome screen, as its first lead. */
export async function openDemo(browser) {
  await (await button(browser, "Explore the demo community")).click();
  await waitForText(browser, "Welcome back, Amara");
}

/** Settings → "You on this computer": become another member of the open library. */
export async function switchTo(browser, name) {
  await navigate(browser, "Settings");
  await (await byLabel(browser, "Switch to member")).selectByVisibleText(name);
  await (await button(browser, "Switch")).click();
  await waitForText(browser, `This computer knows you as ${name}`);
}
