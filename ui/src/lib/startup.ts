// Start-up, as `hearth bench startup` measures it (src/dev/startup_bench.rs): Home says when
// its first data is on screen; under the benchmark the window then opens Memories, scrolls the
// whole gallery a screen at a time and says so. Outside the benchmark a mark does nothing.
import { commands } from "./api";

let homeMarked = false;

/** Two frames: the page has painted what changed and the main thread is free again. */
function afterPaint(): Promise<void> {
  return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
}

async function until<T>(find: () => T | null | undefined, timeoutMs = 30_000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const found = find();
    if (found) return found;
    if (performance.now() - start > timeoutMs) throw new Error("the gallery did not show in time");
    await afterPaint();
  }
}

/** Called by Home once its first data has arrived (only the first time counts). */
export async function homeReady() {
  if (homeMarked) return;
  homeMarked = true;
  await afterPaint();
  if (await commands.startupMark("homeReady")) await scrollWholeGallery();
}

async function scrollWholeGallery() {
  const memories = [...document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Sections"] button')].find(
    (button) => button.textContent?.trim() === "Memories",
  );
  memories?.click();
  const grid = await until(() => document.querySelector<HTMLElement>('[role="grid"][aria-label="Photos and videos"]'));
  await until(() => (Number(grid.dataset.total) > 0 ? grid : null));
  // A screen at a time, each shown with its photos (no placeholder cell left, as a person
  // scrolling would see it) before the next; a screen that takes over 2 s is passed.
  const filled = () => until(() => (grid.querySelector(".placeholder") ? null : grid), 2_000).catch(() => grid);
  await filled();
  while (grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1) {
    grid.scrollTop += grid.clientHeight;
    await afterPaint();
    await filled();
  }
  await afterPaint();
  await commands.startupMark("galleryScrolled");
}
