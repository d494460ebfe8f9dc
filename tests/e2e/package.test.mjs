// The installable package: the .deb that `make package-debug` bundles (the same bundler
// configuration as `make package`, around the debug build) is unpacked into a fresh root with
// dpkg-deb, as dpkg would install it, and the installed program opens on the welcome screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launch, root, scratch, screenshot, targetDir, waitForText } from "./harness.mjs";

const { version } = JSON.parse(readFileSync(join(root, "src-tauri", "tauri.conf.json"), "utf8"));
const deb = join(targetDir, "debug", "bundle", "deb", `Hearth_${version}_amd64.deb`);

test("the .deb installs the window, the CLI, a menu entry and icons, and the installed window opens", async () => {
  assert.ok(existsSync(deb), `${deb} is missing: build it with \`make package-debug\``);
  const control = execFileSync("dpkg-deb", ["--field", deb], { encoding: "utf8" });
  assert.match(control, /^Package: hearth$/m);
  assert.match(control, /^Depends:.*libwebkit2gtk-4\.1-0/m, "the window needs WebKitGTK");
  assert.match(control, /^Depends:.*gstreamer1\.0-plugins-good/m, "videos play through GStreamer");
  assert.match(control, /^Recommends:.*ffmpeg/m, "video posters want ffmpeg, without requiring it");
  // Debian's description: a synopsis, then lines that start with a space and fit 80 columns.
  const description = control.slice(control.indexOf("Description:")).split("\n").filter(Boolean);
  assert.ok(description.length > 3, `the long description is wrapped (${description.length} lines)`);
  assert.deepEqual(description.slice(1).filter((line) => !line.startsWith(" ") || line.length > 80), [], "every line of it");

  const dirs = scratch();
  const prefix = join(dirs.base, "root");
  execFileSync("dpkg-deb", ["-x", deb, prefix]);
  const window = join(prefix, "usr", "bin", "hearth-desktop");
  const cli = join(prefix, "usr", "bin", "hearth");
  assert.ok(existsSync(window), "the window is installed as /usr/bin/hearth-desktop");
  assert.match(execFileSync(cli, ["--version"], { encoding: "utf8" }), /^hearth \d+\.\d+\.\d+/, "the CLI is installed and runs");
  const copyright = readFileSync(join(prefix, "usr", "share", "doc", "hearth", "copyright"), "utf8");
  assert.match(copyright, /^License: MIT$/m, "Debian's policy asks every package for its copyright file");

  // The menu entry starts the installed program and names an icon the theme can find.
  const entry = readFileSync(join(prefix, "usr", "share", "applications", "Hearth.desktop"), "utf8");
  assert.match(entry, /^Exec=hearth-desktop$/m);
  assert.match(entry, /^Icon=hearth-desktop$/m);
  assert.match(entry, /^Categories=Education;$/m);
  const hicolor = join(prefix, "usr", "share", "icons", "hicolor");
  const sizes = readdirSync(hicolor).filter((size) => existsSync(join(hicolor, size, "apps", "hearth-desktop.png")));
  assert.ok(sizes.includes("128x128") && sizes.includes("512x512"), `icons at the sizes menus ask for (found ${sizes})`);
  assert.deepEqual(sizes.filter((size) => !/^\d+x\d+$/.test(size)), [], "every icon folder is a size the icon theme spec knows");

  const app = await launch(dirs, { app: window, library: null });
  try {
    const { browser } = app;
    await waitForText(browser, "Welcome to Hearth");
    await waitForText(browser, "Explore the demo community");
    await screenshot(browser, "package-installed-welcome");
  } finally {
    await app.close();
  }
});
