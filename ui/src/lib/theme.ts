// Light and dark, following the OS unless the person chose one.
import type { Theme } from "./bindings";

export type Resolved = "light" | "dark";

export function resolveTheme(choice: Theme, systemPrefersDark: boolean): Resolved {
  if (choice === "system") return systemPrefersDark ? "dark" : "light";
  return choice;
}

const darkQuery = () => window.matchMedia?.("(prefers-color-scheme: dark)");

/** Applies `choice` to the page now and whenever the OS switches; returns a stop function. */
export function applyTheme(choice: Theme): () => void {
  const query = darkQuery();
  const apply = () => {
    document.documentElement.dataset.theme = resolveTheme(choice, query?.matches ?? false);
  };
  apply();
  query?.addEventListener("change", apply);
  return () => query?.removeEventListener("change", apply);
}

/** The text sizes offered, in percent of the default 15 px (the shell refuses any other). */
export const TEXT_SIZES = [100, 125, 150, 175, 200] as const;
const BASE_PX = 15;

/** Sets the page's root font size to `percent` of the default (an unoffered size counts as
 *  100); every size in rem follows. */
export function applyTextSize(percent: number) {
  const offered = (TEXT_SIZES as readonly number[]).includes(percent) ? percent : 100;
  document.documentElement.style.fontSize = `${(BASE_PX * offered) / 100}px`;
}

/**
 * The size a keyboard shortcut asks for: Ctrl and + (or =) one step larger, Ctrl and - one
 * smaller, Ctrl and 0 the default; null for any other key, or when already at the limit.
 */
export function textSizeFor(event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">, current: number): number | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  // A size not offered (a hand-edited settings file) steps from the nearest offered one.
  const nearest = TEXT_SIZES.reduce((best, size) => (Math.abs(size - current) < Math.abs(best - current) ? size : best));
  const at = TEXT_SIZES.indexOf(nearest);
  let next: number | undefined;
  if (event.key === "+" || event.key === "=") next = TEXT_SIZES[Math.min(at + 1, TEXT_SIZES.length - 1)];
  else if (event.key === "-") next = TEXT_SIZES[Math.max(at - 1, 0)];
  else if (event.key === "0") next = 100;
  return next === undefined || next === nearest ? null : next;
}
