import { describe, expect, it } from "vitest";
import { appFor, send, testSite } from "./helpers";

describe("smoke", () => {
  it("drops analytics without consent", async () => {
    const app = appFor(testSite());
    const res = await send(app, "https://www.example.com/", {
      originSets: ["session=1; Path=/", "_ga=GA1.1; Path=/"],
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual(["session=1; Path=/; Secure; HttpOnly; SameSite=Lax"]);
  });
});
