// Pictures let go of as soon as they leave the page.
//
// WebKit keeps an <img>'s decoded picture until the element is garbage collected, which the
// collector does lazily: scrolling 20,000 thumbnails past grew the web process by 300 MB,
// and letting go of each `src` as its element is removed kept it flat (`hearth bench startup`).
//
// WebKit also keeps painting an <img>'s previous picture until its new `src` has loaded
// (`ImageLoader::updateRenderer` swaps the picture only once the new one is complete), so an
// element reused for another photo would show the old one meanwhile. Given the `src` it shows,
// the action hides the element from a change of picture until that picture has loaded or
// failed.

/** A Svelte action for an <img> in a long or changing list: drops its picture on removal, and
 *  when given the `src` (`use:releaseImage={src}`, with no `src` attribute of its own), sets it
 *  and shows nothing between a change of `src` and the new picture's `load` or `error`. The
 *  action sets `src` itself because Svelte runs an action's `update` before the effect that
 *  would set the attribute, when the element still holds its old, complete picture. */
export function releaseImage(image: HTMLImageElement, src?: string) {
  const reveal = () => image.style.removeProperty("visibility");
  image.addEventListener("load", reveal);
  image.addEventListener("error", reveal);
  const show = (next?: string) => {
    if (!next) {
      image.removeAttribute("src");
      reveal();
      return;
    }
    image.src = next;
    // A picture already decoded has nothing to wait for.
    if (image.complete) reveal();
    else image.style.visibility = "hidden";
  };
  let shown = src;
  if (src !== undefined) show(src);
  return {
    update(next?: string) {
      if (next === shown) return;
      shown = next;
      show(next);
    },
    destroy() {
      image.removeEventListener("load", reveal);
      image.removeEventListener("error", reveal);
      image.removeAttribute("src");
    },
  };
}
