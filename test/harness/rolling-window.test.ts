import { describe, expect, it } from "vitest";
import { maxInWindow } from "./rolling-window";

describe("maxInWindow", () => {
  it("the most events in any rolling window", () => {
    expect(maxInWindow([], 60_000)).toBe(0);
    expect(maxInWindow([0, 59_999, 60_000, 60_001], 60_000)).toBe(3); // 59 999, 60 000, 60 001 (0 has left at 60 000)
    expect(maxInWindow([5, 1, 3, 120_000, 2], 60_000)).toBe(4); // unsorted input
    expect(maxInWindow([0, 60_000, 120_000], 60_000)).toBe(1);
  });
});
