// Motion only for those who have not asked their computer for less (prefers-reduced-motion).

/** Whether the person's computer asks for reduced motion. */
export function reducedMotion(): boolean {
  return window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
}

/** The scroll behaviour to pass to `scrollTo`/`scrollIntoView`: instant under reduced motion. */
export function scrollBehavior(): ScrollBehavior {
  return reducedMotion() ? "auto" : "smooth";
}
