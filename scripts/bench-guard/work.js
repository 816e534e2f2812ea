/* global window, document, setTimeout, navigator, performance, fetch, XMLHttpRequest, PerformanceObserver, location, URLSearchParams */
/**
 * The first-party work scripts/bench-guard.ts measures, served at /work.js by its origin: inserts
 * 1,000 elements (divs, imgs, scripts, iframes, links) with the common APIs and makes 100 requests
 * (fetch, XHR, sendBeacon), 10% and 15% of them to tracker hosts of refused categories (none with
 * `?fp=1`), then
 * publishes what it timed as `window.__bench`. Deterministic: the same elements and requests, in
 * the same order, every run. Every URL carries `bench=<run>` so the harness can tell which run a
 * tracker hit came from.
 */
(function () {
  "use strict";
  const started = performance.now();
  const run = new URLSearchParams(location.search).get("run") || "0";
  const tag = "bench=" + encodeURIComponent(run);

  // Long tasks from here on: the work below is one of them.
  let longTaskMs = 0;
  let longTasks = 0;
  try {
    new PerformanceObserver(function (list) {
      for (const entry of list.getEntries()) {
        longTaskMs += entry.duration;
        longTasks++;
      }
    }).observe({ type: "longtask", buffered: true });
  } catch {
    longTasks = -1; // not supported: reported as such, not as zero
  }

  /** Tracker URLs per element kind: hosts of the built-in rules and the bench site's own rule. */
  const TRACKER = {
    img: ["https://www.facebook.com/tr?id=1&ev=PageView", "https://px.ads.linkedin.com/collect?pid=1"],
    script: [
      "https://www.googletagmanager.com/gtag/js?id=G-BENCH",
      "https://connect.facebook.net/en_US/fbevents.js",
      "https://www.clarity.ms/tag/bench",
      "https://us-assets.i.posthog.com/static/array.js",
      "https://cdn.bench-tracker.example/t.js",
    ],
    iframe: ["https://www.youtube.com/embed/bench"],
    link: [
      "https://www.googletagmanager.com/gtm.js?id=GTM-BENCH",
      "https://snap.licdn.com/li.lms-analytics/insight.min.js",
    ],
  };
  const REQUEST_TRACKERS = [
    "https://www.google-analytics.com/g/collect?v=2&tid=G-BENCH",
    "https://www.facebook.com/tr/?id=1&ev=PageView",
    "https://www.clarity.ms/collect",
    "https://us.i.posthog.com/e/",
    "https://cdn.bench-tracker.example/hit",
  ];

  const withTag = (url) => url + (url.indexOf("?") < 0 ? "?" : "&") + tag;

  /** Kinds in a cycle of 40: 20 div, 11 img, 4 script, 1 iframe, 4 link (of 1,000: 500, 275, 100, 25, 100). */
  function kindAt(i) {
    const k = i % 40;
    return k < 20 ? "div" : k < 31 ? "img" : k < 35 ? "script" : k < 36 ? "iframe" : "link";
  }

  // `?fp=1`: the same work with every tracker URL replaced by a first-party one, so that both sides
  // load the same things and the difference is the guard's own work.
  const firstPartyOnly = new URLSearchParams(location.search).get("fp") === "1";

  const seen = { img: 0, script: 0, iframe: 0, link: 0 };
  const trackersUsed = { img: 0, script: 0, iframe: 0, link: 0 };
  /** Element i: its tag and, for all but divs, its URL; every fifth of each kind is a tracker's. */
  function elementAt(i) {
    const kind = kindAt(i);
    if (kind === "div") return { kind: kind, url: "" };
    const n = seen[kind]++;
    if (n % 5 === 0 && !firstPartyOnly) {
      const list = TRACKER[kind];
      return { kind: kind, url: withTag(list[trackersUsed[kind]++ % list.length]), tracker: true };
    }
    // First-party, relative and absolute: a few distinct URLs, as a site's assets repeat.
    const path =
      kind === "img"
        ? "/fp/i" + (n % 10) + ".gif"
        : kind === "script"
          ? "/fp/s" + (n % 5) + ".js"
          : kind === "iframe"
            ? "/fp/frame" + (n % 3) + ".html"
            : "/fp/c" + (n % 4) + ".css";
    return { kind: kind, url: withTag(n % 2 === 0 ? path : location.origin + path) };
  }

  /** The element as markup, for innerHTML and insertAdjacentHTML (`&` escaped, as pages write it). */
  function markup(spec, i) {
    const url = spec.url.replace(/&/g, "&amp;");
    switch (spec.kind) {
      case "div":
        return '<div class="card">item ' + i + "</div>";
      case "img":
        return '<img alt="" width="1" height="1" src="' + url + '">';
      case "script":
        return '<script async src="' + url + '"></script>';
      case "iframe":
        return '<iframe width="1" height="1" src="' + url + '"></iframe>';
      default:
        return spec.tracker
          ? '<link rel="preload" as="script" href="' + url + '">'
          : '<link rel="stylesheet" href="' + url + '">';
    }
  }

  /** The element by createElement and its URL property, as SDK loaders do. */
  function create(spec, i) {
    const element = document.createElement(spec.kind);
    if (spec.kind === "div") {
      element.className = "card";
      element.textContent = "item " + i;
    } else if (spec.kind === "link") {
      element.rel = spec.tracker ? "preload" : "stylesheet";
      if (spec.tracker) element.as = "script";
      element.href = spec.url;
    } else {
      if (spec.kind === "script") element.async = true;
      else element.width = element.height = 1;
      element.src = spec.url;
    }
    return element;
  }

  const ELEMENTS = 1000;
  const BATCH = 10;
  const container = document.getElementById("bench");

  /** Batches of ten, by API in turn: createElement + appendChild, innerHTML, insertAdjacentHTML. */
  function insertElements() {
    for (let batch = 0; batch < ELEMENTS / BATCH; batch++) {
      const specs = [];
      for (let j = 0; j < BATCH; j++) specs.push(elementAt(batch * BATCH + j));
      const api = batch % 3;
      if (api === 0) {
        specs.forEach((spec, j) => container.appendChild(create(spec, batch * BATCH + j)));
      } else {
        const html = specs.map((spec, j) => markup(spec, batch * BATCH + j)).join("");
        if (api === 1) {
          const holder = document.createElement("section");
          holder.innerHTML = html;
          container.appendChild(holder);
        } else {
          container.insertAdjacentHTML("beforeend", html);
        }
      }
    }
  }

  const outcomes = { ok: 0, refused: 0, trackerOk: 0, trackerRefused: 0 };
  function count(tracker, ok) {
    if (ok) outcomes[tracker ? "trackerOk" : "ok"]++;
    else outcomes[tracker ? "trackerRefused" : "refused"]++;
  }

  /** 100 requests: per ten, 5 fetch, 3 XHR, 2 sendBeacon; i % 20 in {0, 7, 9} goes to a tracker (15). */
  function makeRequests() {
    const pending = [];
    let trackerRequests = 0;
    for (let i = 0; i < 100; i++) {
      const r = i % 20;
      const tracker = (r === 0 || r === 7 || r === 9) && !firstPartyOnly;
      const url = withTag(
        tracker ? REQUEST_TRACKERS[trackerRequests++ % REQUEST_TRACKERS.length] : "/api/collect?i=" + i,
      );
      const kind = i % 10 < 5 ? "fetch" : i % 10 < 8 ? "xhr" : "beacon";
      if (kind === "fetch") {
        let request;
        try {
          request = fetch(url, { method: i % 2 ? "POST" : "GET", body: i % 2 ? "e=" + i : undefined });
        } catch (error) {
          request = Promise.reject(error);
        }
        pending.push(
          request
            .then((response) => response.text())
            .then(
              () => count(tracker, true),
              () => count(tracker, false),
            ),
        );
      } else if (kind === "xhr") {
        pending.push(
          new Promise(function (done) {
            const xhr = new XMLHttpRequest();
            xhr.onload = () => done(count(tracker, true));
            xhr.onerror = xhr.onabort = xhr.ontimeout = () => done(count(tracker, false));
            try {
              xhr.open("GET", url);
              xhr.send();
            } catch {
              done(count(tracker, false));
            }
          }),
        );
      } else {
        let queued = false;
        try {
          queued = navigator.sendBeacon(url, "e=" + i);
        } catch {
          queued = false;
        }
        count(tracker, queued);
      }
    }
    return Promise.all(pending);
  }

  const beforeInsert = performance.now();
  insertElements();
  const inserted = performance.now();
  const settled = makeRequests();
  const requested = performance.now();

  const loaded = new Promise(function (done) {
    if (document.readyState === "complete") done();
    else window.addEventListener("load", () => done());
  });
  Promise.all([settled, loaded]).then(function () {
    // A task later, so the long-task observer has seen the work's own task.
    setTimeout(function () {
      window.__bench = {
        startMs: started,
        insertMs: inserted - beforeInsert,
        requestMs: requested - inserted,
        settledMs: performance.now() - started,
        longTaskMs: longTaskMs,
        longTasks: longTasks,
        elements: container.querySelectorAll(":not(section)").length,
        inert: container.querySelectorAll("[data-ce-category]").length,
        outcomes: outcomes,
      };
    }, 50);
  });
})();
