import { describe, expect, it } from "vitest";
import { counted, listed } from "./words";

describe("words", () => {
  it("says a count with its noun, singular for one and grouped by thousands", () => {
    expect(counted(1, "photo")).toBe("1 photo");
    expect(counted(0, "photo")).toBe("0 photos");
    expect(counted(100000, "photo"), "a large library reads at a glance").toBe("100,000 photos");
    expect(counted(2, "person", "people")).toBe("2 people");
  });

  it("lists names as a sentence does", () => {
    expect(listed(["you"])).toBe("you");
    expect(listed(["you", "Arjun Nair"]), "not 'you, Arjun Nair'").toBe("you and Arjun Nair");
    expect(listed(["you", "Ada", "Bo"])).toBe("you, Ada and Bo");
  });
});
