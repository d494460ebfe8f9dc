import { describe, expect, it } from "vitest";
import { releaseImage } from "./images";

describe("releaseImage", () => {
  it("shows no previous photo while a reused element loads its next one", () => {
    const image = document.createElement("img");
    // jsdom loads no pictures, so `complete` stays false as it does in WebKit while loading.
    Object.defineProperty(image, "complete", { configurable: true, get: () => false });
    const action = releaseImage(image, "hearth://localhost/thumb/a");
    image.dispatchEvent(new Event("load"));
    // Svelte calls `update` while the element still holds its old picture: the action itself
    // sets the next one.
    action.update("hearth://localhost/thumb/b");
    expect(image.getAttribute("src"), "the action sets the picture it waits for").toBe("hearth://localhost/thumb/b");
    expect(image.style.visibility, "the old picture would still be painted").toBe("hidden");
    image.dispatchEvent(new Event("load"));
    expect(image.style.visibility, "the new picture has come").toBe("");
  });

  it("does not hide a picture that failed, or an element with no picture", () => {
    const image = document.createElement("img");
    Object.defineProperty(image, "complete", { configurable: true, get: () => false });
    const action = releaseImage(image, undefined);
    action.update("hearth://localhost/thumb/c");
    image.dispatchEvent(new Event("error"));
    expect(image.style.visibility, "a broken picture is not left invisible").toBe("");
    action.update("hearth://localhost/thumb/d");
    action.update(undefined);
    expect(image.style.visibility, "no picture, nothing to wait for").toBe("");
  });

  it("lets go of the picture when the element leaves", () => {
    const image = document.createElement("img");
    image.src = "hearth://localhost/thumb/a";
    releaseImage(image).destroy();
    expect(image.hasAttribute("src")).toBe(false);
  });
});
