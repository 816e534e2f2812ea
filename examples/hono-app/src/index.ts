/**
 * A Hono app of its own, with consent-edge in front of its routes: the first middleware, so that
 * every response the routes give (and every cookie they set) goes through it.
 */
import { consentEdge } from "consent-edge/hono";
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import config from "../consent-edge.config.json";
import { HOME_PAGE } from "./page";

const app = new Hono();

// Compiled once per isolate; an invalid config throws here, listing every problem.
app.use(consentEdge(config));

app.get("/", (c) => {
  // Cookies the page's vendors would set: consent-edge drops them unless the visitor agreed.
  setCookie(c, "_ga", "GA1.1.1234567890.1764547200", { path: "/", maxAge: 60 * 60 * 24 * 400 });
  setCookie(c, "_fbp", "fb.1.1764547200000.1234567890", { path: "/", maxAge: 60 * 60 * 24 * 90 });
  return c.html(HOME_PAGE);
});

app.get("/api/hello", (c) => {
  // The route sees only the cookies the visitor consented to, and the resolved consent.
  setCookie(c, "session", "s-123", { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
  return c.json({
    hello: "world",
    granted: c.req.header("X-Consent-Granted")?.split(",") ?? [],
    cookie: c.req.header("Cookie") ?? "",
  });
});

export default app;
