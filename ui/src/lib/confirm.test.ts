import { describe, expect, it } from "vitest";
import { asking, confirmAction } from "./confirm.svelte";

describe("confirmAction", () => {
  it("goes ahead only on the action's answer, and clears the question", async () => {
    const yes = confirmAction("Delete this album?", "Delete album");
    expect(asking.question?.action).toBe("Delete album");
    asking.question?.answer(true);
    expect(await yes).toBe(true);
    expect(asking.question).toBeNull();

    const no = confirmAction("Delete this moment?", "Delete moment");
    asking.question?.answer(false);
    expect(await no).toBe(false);
  });

  it("a new question answers an unanswered one with no, never yes", async () => {
    const first = confirmAction("Remove Bo's laptop?", "Remove laptop");
    const second = confirmAction("Withdraw Cy's invitation?", "Withdraw invitation");
    expect(await first).toBe(false);
    expect(asking.question?.message).toBe("Withdraw Cy's invitation?");
    asking.question?.answer(true);
    expect(await second).toBe(true);
  });
});
