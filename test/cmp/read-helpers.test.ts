/** narrowestOf: how several copies of a CMP's cookie combine (src/consent/cmp/read-helpers.ts). */
import { describe, expect, it } from "vitest";
import { narrowestOf, undecidedFor } from "../../src/consent/cmp/read-helpers";
import type { CmpReading } from "../../src/consent/cmp/types";

const undecided = undecidedFor("cmp");
const decision = (groups: Record<string, boolean>, givenAt?: number): CmpReading =>
  givenAt === undefined ? { status: "decided", groups } : { status: "decided", groups, givenAt };

describe("narrowestOf", () => {
  it.each<[string, CmpReading[], CmpReading]>([
    ["no copy", [], { status: "absent" }],
    ["one decision", [decision({ a: true }, 5)], decision({ a: true }, 5)],
    ["one undecided", [undecided("bad")], undecided("bad")],
    ["grant and refusal", [decision({ a: true }), decision({ a: false })], decision({ a: false })],
    ["refusal and grant", [decision({ a: false }), decision({ a: true })], decision({ a: false })],
    // A group one copy does not list is one that copy does not grant.
    [
      "a group only one copy lists",
      [decision({ a: true, b: true }), decision({ a: true })],
      decision({ a: true, b: false }),
    ],
    [
      "dated by the latest",
      [decision({ a: true }, 10), decision({ a: true }, 20)],
      decision({ a: true }, 20),
    ],
    ["one copy undated", [decision({ a: true }), decision({ a: true }, 20)], decision({ a: true }, 20)],
    // A copy that does not decide grants nothing, so it is passed over rather than voiding the others.
    ["decision and unreadable copy", [undecided("bad"), decision({ a: true })], decision({ a: true })],
    ["two unreadable copies, one reason", [undecided("bad"), undecided("bad")], undecided("bad")],
    [
      "two unreadable copies, two reasons",
      [undecided("bad"), undecided("worse")],
      undecided("duplicate-cookie"),
    ],
  ])("%s", (_, readings, expected) => {
    expect(narrowestOf(readings, undecided)).toEqual(expected);
  });

  it("builds groups without a prototype, so no group name reaches Object.prototype", () => {
    const reading = narrowestOf([decision({ a: true }), decision({ a: true })], undecided);
    expect(reading.status === "decided" && Object.getPrototypeOf(reading.groups)).toBe(null);
  });
});
