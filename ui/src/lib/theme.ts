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
