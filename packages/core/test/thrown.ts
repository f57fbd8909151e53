import { expect } from "vitest";
import { EnvelopeError } from "../src/index.js";

/** The EnvelopeError `f` throws; fails the test when it throws none or another type. */
export function thrown(f: () => unknown): EnvelopeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EnvelopeError);
    return e as EnvelopeError;
  }
  throw new Error("expected an EnvelopeError");
}
