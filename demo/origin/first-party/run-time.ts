/**
 * The /run-time page's first-party script: what a site's own JavaScript does to load its trackers
 * when none of them is in the HTML (a tag manager, a framework's script loader, a plugin). Every
 * pattern is one function, so the page can run them all at load (no consent yet) and again after a
 * grant (`runTimeDemo.run("after")`), and the demo and the browser test can see what happened to
 * each: the outcome is written into the page's log and kept in `runTimeDemo.results`.
 *
 * The hosts are the demo config's tracker hosts (built-in rules and the site's own); each request
 * carries its run's tag, so a request made before consent can be told from one made after it.
 */

/** What one pattern did: "sent", "loaded", or how the browser refused it. */
type Outcome = string;
type Note = (pattern: string, outcome: Outcome) => void;
type Pattern = (tag: string, report: Note) => void;

interface RunTimeDemo {
  /** tag -> pattern -> outcome, filled in as the outcomes arrive (asynchronous ones later). */
  results: Record<string, Record<string, Outcome>>;
  run(tag: string): void;
}

const GA_COLLECT = "https://region1.google-analytics.com/g/collect";

/** GA4 the way gtag.js's install snippet does it, but from script: the queue, then the loader. */
const gtagScript: Pattern = (tag) => {
  const w = window as unknown as { dataLayer?: unknown[] };
  const dataLayer = (w.dataLayer = w.dataLayer || []);
  // gtag.js reads its commands as Arguments objects, as its snippet's gtag() pushes them.
  const gtag: (...command: unknown[]) => void = function () {
    // eslint-disable-next-line prefer-rest-params
    dataLayer.push(arguments);
  };
  const id = `G-${tag.toUpperCase().replace(/[^A-Z0-9]/g, "")}1`;
  gtag("js", new Date());
  gtag("config", id);
  const script = document.createElement("script");
  script.async = true;
  script.src = `https://www.googletagmanager.com/gtag/js?id=${id}`;
  document.head.appendChild(script);
};

/** Meta Pixel's loader: fbevents.js inserted before the first script, as its base code does. */
const metaScript: Pattern = (tag) => {
  const script = document.createElement("script");
  script.async = true;
  script.src = `https://connect.facebook.net/en_US/fbevents.js?tag=${tag}`;
  const first = document.getElementsByTagName("script")[0];
  if (first && first.parentNode) first.parentNode.insertBefore(script, first);
  else document.head.append(script);
};

/** Meta's pixel image, inserted into the page by setAttribute. */
const metaImage: Pattern = (tag, report) => {
  const img = document.createElement("img");
  img.setAttribute("src", `https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1&tag=${tag}`);
  img.width = 1;
  img.height = 1;
  img.alt = "";
  img.addEventListener("load", () => {
    report("meta-img", "loaded");
  });
  img.addEventListener("error", () => {
    report("meta-img", "error event");
  });
  document.body.append(img);
};

/** A pixel that is never inserted: `new Image().src` is a request, not an element in the page. */
const newImage: Pattern = (tag, report) => {
  const img = new Image();
  img.onload = () => {
    report("new-image", "loaded");
  };
  img.onerror = () => {
    report("new-image", "error event");
  };
  img.src = `https://www.facebook.com/tr?id=1234567890&ev=ViewContent&tag=${tag}`;
};

/** A YouTube player created on demand (a "load the video" facade, a CMS block). */
const youtubeIframe: Pattern = (tag) => {
  const iframe = document.createElement("iframe");
  iframe.src = `https://www.youtube.com/embed/dQw4w9WgXcQ?tag=${tag}`;
  iframe.width = "280";
  iframe.height = "158";
  iframe.title = `YouTube video player (${tag})`;
  const slot = document.getElementById("video-slot");
  (slot || document.body).append(iframe);
};

/** A resource hint added by script: a connection opened to the tracker host before any request. */
const preconnect: Pattern = (tag) => {
  const link = document.createElement("link");
  link.rel = "preconnect";
  // One host per run: the browser reuses an open connection, so a second hint to the same host
  // could not be told from the first.
  link.href = tag == "load" ? "https://www.clarity.ms" : `https://${tag}.clarity.ms`;
  document.head.append(link);
};

const fetchCollect: Pattern = (tag, report) => {
  fetch(`${GA_COLLECT}?v=2&tid=G-RUNTIME&en=fetch-${tag}`, {
    method: "POST",
    mode: "no-cors",
    keepalive: true,
  }).then(
    () => {
      report("fetch", "sent");
    },
    (error: unknown) => {
      report("fetch", `rejected (${error instanceof Error ? error.name : String(error)})`);
    },
  );
};

const beacon: Pattern = (tag, report) => {
  const queued = navigator.sendBeacon(`${GA_COLLECT}?v=2&tid=G-RUNTIME&en=beacon-${tag}`, `tag=${tag}`);
  report("beacon", queued ? "sent" : "refused (false)");
};

/** XMLHttpRequest, as PostHog's and Mixpanel's SDKs send events. */
const xhr: Pattern = (tag, report) => {
  const request = new XMLHttpRequest();
  request.open("POST", `https://api-js.mixpanel.com/track/?tag=${tag}`);
  request.onload = () => {
    report("xhr", "sent");
  };
  request.onerror = () => {
    report("xhr", "error event");
  };
  request.send(`data=${encodeURIComponent(JSON.stringify({ event: `xhr-${tag}` }))}`);
};

/** A WebSocket, as session-replay tools stream their recordings (Hotjar's ws host). */
const webSocket: Pattern = (tag, report) => {
  let socket: WebSocket;
  try {
    socket = new WebSocket(`wss://ws.hotjar.com/api/v2/client/ws?tag=${tag}`);
  } catch (error) {
    report("websocket", `threw (${error instanceof Error ? error.name : String(error)})`);
    return;
  }
  socket.onopen = () => {
    report("websocket", "open");
    socket.close();
  };
  socket.onerror = () => {
    report("websocket", "error event");
  };
};

const eventSource: Pattern = (tag, report) => {
  let source: EventSource;
  try {
    source = new EventSource(`https://c.clarity.ms/events?tag=${tag}`);
  } catch (error) {
    report("eventsource", `threw (${error instanceof Error ? error.name : String(error)})`);
    return;
  }
  source.onopen = () => {
    report("eventsource", "open");
    source.close();
  };
  source.onerror = () => {
    report("eventsource", "error event");
    source.close();
  };
};

/** Every pattern, by the name its outcome is reported under. */
const PATTERNS: ReadonlyArray<readonly [string, Pattern]> = [
  ["gtag-script", gtagScript],
  ["meta-script", metaScript],
  ["meta-img", metaImage],
  ["new-image", newImage],
  ["youtube-iframe", youtubeIframe],
  ["preconnect", preconnect],
  ["fetch", fetchCollect],
  ["beacon", beacon],
  ["xhr", xhr],
  ["websocket", webSocket],
  ["eventsource", eventSource],
];

/** Writes one outcome into the page's log (text only: nothing the page reads is markup). */
function logLine(tag: string, pattern: string, outcome: Outcome): void {
  const log = document.getElementById("run-time-log");
  if (!log) return;
  const item = document.createElement("li");
  item.textContent = `${tag}: ${pattern}: ${outcome}`;
  log.append(item);
}

function run(tag: string): void {
  const results: Record<string, Outcome> = (demo.results[tag] = {});
  for (const [name, pattern] of PATTERNS) {
    const report: Note = (which, outcome) => {
      results[which] = outcome;
      logLine(tag, which, outcome);
    };
    try {
      pattern(tag, report);
      if (!(name in results)) report(name, "done");
    } catch (error) {
      // A guard must refuse as the platform does; a throw here is what the page would see.
      report(name, `threw (${error instanceof Error ? error.name : String(error)})`);
    }
  }
}

const demo: RunTimeDemo = { results: {}, run };
(window as unknown as { runTimeDemo: RunTimeDemo }).runTimeDemo = demo;

/** The page's own start: everything at load, before the visitor has said anything. */
function onReady(): void {
  run("load");
  let runs = 0;
  const again = document.getElementById("run-again");
  if (again)
    again.addEventListener("click", () => {
      run(`again${++runs}`);
    });
}

if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", onReady);
else onReady();
