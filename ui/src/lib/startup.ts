// Start-up, as `hearth bench startup` measures it (src/dev/startup_bench.rs): Home says when
// its first data is on screen; under the benchmark the window then opens Memories, scrolls the
// whole gallery three screens at a time and says so. Outside the benchmark a mark does nothing.
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
  if (!(await commands.startupMark("homeReady"))) return;
  try {
    await scrollWholeGallery();
  } catch (error) {
    console.warn("the start-up benchmark could not scroll the gallery", error);
    await commands.startupMark("failed");
  }
}

async function scrollWholeGallery() {
  const memories = [...document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Sections"] button')].find(
    (button) => button.textContent?.includes("Memories"),
  );
  if (!memories) throw new Error("no Memories in the sidebar");
  memories.click();
  const grid = await until(() => document.querySelector<HTMLElement>('[role="grid"][aria-label="Photos and videos"]'));
  await until(() => (Number(grid.dataset.total) > 0 ? grid : null));
  // Three screens at a time, each stop shown with its photos (no placeholder cell left, as a
  // person scrolling would see it) before the next; a stop that takes over 2 s is passed. At
  // 100,000 media that is about 1,200 stops (every screen would take over ten minutes).
  // (Spare rows, hidden and never loaded, do not count.)
  const filled = () => until(() => (grid.querySelector(".row:not([hidden]) .placeholder") ? null : grid), 2_000).catch(() => grid);
  await filled();
  while (grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1) {
    const before = grid.scrollTop;
    grid.scrollTop += 3 * grid.clientHeight;
    await afterPaint();
    if (grid.scrollTop <= before) throw new Error("the gallery does not scroll");
    await filled();
  }
  await afterPaint();
  await commands.startupMark("galleryScrolled");
}
