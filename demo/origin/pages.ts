// HTML for the demo origin: one layout (trackers, demo panel, header, footer) and the pages' contents.
// The demo panel is the first thing in the page, in the flow: consent-edge's banner is fixed to the
// bottom of the viewport, so a panel there (or fixed anywhere low) would sit under it.

import { BODY_TAGS, HEAD_TAGS, YOUTUBE_EMBED } from "./trackers";

export interface PageContext {
  /** Per-response nonce for the first-party inline script. */
  readonly nonce: string;
  /** Cookie names the origin received on this request (never values). */
  readonly receivedCookieNames: readonly string[];
}

interface Page {
  readonly title: string;
  readonly description: string;
  readonly path: string;
  readonly main: string;
  /**
   * A first-party script (served by the origin from /first-party/) that loads this page's trackers
   * at run time. Such a page has no tracker tags in its HTML: what the edge could neutralise there
   * would hide what the page guard does.
   */
  readonly script?: string;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const NAV: readonly (readonly [string, string])[] = [
  ["/", "Product"],
  ["/pricing", "Pricing"],
  ["/blog/hello", "Blog"],
];

function header(path: string): string {
  const links = NAV.map(([href, label]) => {
    const current = href === path ? ' aria-current="page"' : "";
    return `<li><a href="${href}"${current}>${label}</a></li>`;
  }).join("\n        ");
  return `<header class="site-header">
    <a class="logo" href="/">aktok</a>
    <nav aria-label="Main">
      <ul>
        ${links}
      </ul>
    </nav>
    <a class="button button-secondary" href="https://app.aktok.com/login">Log in</a>
    <a class="button" href="https://app.aktok.com/signup">Start free trial</a>
  </header>`;
}

const FOOTER = `<footer class="site-footer">
    <div class="footer-columns">
      <section>
        <h2>Product</h2>
        <ul>
          <li><a href="/">Shared inbox</a></li>
          <li><a href="/">Sequences</a></li>
          <li><a href="/">Open tracking</a></li>
          <li><a href="/pricing">Pricing</a></li>
        </ul>
      </section>
      <section>
        <h2>Company</h2>
        <ul>
          <li><a href="/blog/hello">Blog</a></li>
          <li><a href="mailto:hello@aktok.com">Contact</a></li>
          <li><a href="mailto:legal@aktok.com">Legal</a></li>
        </ul>
      </section>
      <section>
        <h2>Aktok Inc</h2>
        <address>163 Great George St. (The Foundry)<br>Charlottetown, PE, Canada</address>
      </section>
    </div>
    <p class="footer-legal">
      &copy; 2026 Aktok Inc &middot;
      <a href="/privacy">Privacy Policy</a> &middot;
      <a href="/cookies">Cookie Policy</a> &middot;
      <a href="#cookie-settings" class="cookie-settings-link">Cookie settings</a>
    </p>
  </footer>`;

// Demo-only: lets a demo user write consent-edge's consent cookie without a banner.
// Format: ce_consent=1.<revision>.<unixSeconds>.<granted>, granted = categories joined by "~" or "-".
const DEMO_SCRIPT = `(function () {
      var REVISION = "2026-04-03";
      var CHOICES = {
        analytics: ["analytics"],
        all: ["functional", "analytics", "marketing"],
        none: []
      };
      function saveConsent(granted) {
        var value = "1." + REVISION + "." + Math.floor(Date.now() / 1000) + "." +
          (granted.length > 0 ? granted.join("~") : "-");
        document.cookie = "ce_consent=" + value + "; Path=/; Max-Age=15552000; SameSite=Lax";
        location.reload();
      }
      var buttons = document.querySelectorAll("#ce-demo button[data-grant]");
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].addEventListener("click", function (event) {
          saveConsent(CHOICES[event.currentTarget.getAttribute("data-grant")]);
        });
      }
      // consentEdge.grant applies a grant in the page the visitor is on (no reload): the page guard
      // then lets through what it refused, and restores what it made inert.
      var now = document.querySelectorAll("#ce-demo button[data-grant-now]");
      for (var j = 0; j < now.length; j++) {
        now[j].addEventListener("click", function (event) {
          window.consentEdge.grant(event.currentTarget.getAttribute("data-grant-now").split(" "));
        });
      }
      var names = document.cookie.split(";").map(function (part) {
        return part.trim().split("=")[0];
      }).filter(Boolean);
      document.getElementById("ce-demo-cookies").textContent = names.length > 0 ? names.join(", ") : "(none)";
    })();`;

function demoPanel(ctx: PageContext): string {
  const received = ctx.receivedCookieNames.length > 0 ? ctx.receivedCookieNames.join(", ") : "(none)";
  return `<aside id="ce-demo" class="demo-panel" aria-label="Demo controls">
    <h2>Demo controls (not part of consent-edge)</h2>
    <p>Write consent-edge's <code>ce_consent</code> cookie and reload:</p>
    <p class="demo-buttons">
      <button type="button" data-grant="analytics">Accept analytics</button>
      <button type="button" data-grant="all">Accept all</button>
      <button type="button" data-grant="none">Reject all</button>
    </p>
    <p>Trackers loaded by JavaScript, not in the HTML: <a href="/run-time">the run-time patterns</a>
      (script, pixel, iframe, preconnect, fetch, sendBeacon, XHR, WebSocket, EventSource) and
      <a href="/sdks">real SDKs from npm</a> (posthog-js, ga-gtag, mixpanel-browser). Grant without a reload:
      <button type="button" data-grant-now="analytics">Grant analytics now</button>
      <button type="button" data-grant-now="analytics marketing">Grant all now</button></p>
    <dl>
      <dt>Cookies this page sees (<code>document.cookie</code>, names only; HttpOnly ones are hidden)</dt>
      <dd id="ce-demo-cookies">(script not run)</dd>
      <dt>Cookies the origin received with this request</dt>
      <dd id="ce-demo-received">${escapeHtml(received)}</dd>
    </dl>
  </aside>
  <script nonce="${escapeHtml(ctx.nonce)}">
    ${DEMO_SCRIPT}
  </script>`;
}

function layout(page: Page, ctx: PageContext): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<meta name="description" content="${escapeHtml(page.description)}">
<link rel="canonical" href="https://aktok.com${escapeHtml(page.path)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/style.css">
${page.script === undefined ? HEAD_TAGS : `<script src="${escapeHtml(page.script)}" defer></script>`}
<script src="/app.js" defer></script>
</head>
<body>
${page.script === undefined ? BODY_TAGS : ""}
  ${demoPanel(ctx)}
  ${header(page.path)}
  <main id="content">
${page.main}
  </main>
  ${FOOTER}
</body>
</html>
`;
}

const HOME: Page = {
  title: "Aktok: the shared inbox for teams that sell",
  description: "Aktok brings your team's email, follow-ups and outreach into one shared inbox.",
  path: "/",
  main: `    <section class="hero">
      <h1>One inbox for every conversation your team has with a customer</h1>
      <p class="lead">Aktok brings sales, support and partnership email into a shared workspace. Assign threads,
        draft replies together, schedule follow-ups and see which messages were opened, without forwarding
        anything to anyone.</p>
      <p><a class="button button-large" href="/pricing">Start your 14-day free trial</a>
        <a class="button button-secondary button-large" href="/blog/hello">Watch the 2-minute tour</a></p>
      <p class="hero-note">No credit card required. Cancel any time.</p>
    </section>

    <section class="logos" aria-label="Customers">
      <p>Trusted by 4,000+ teams at companies like</p>
      <ul>
        <li>Northwind Freight</li>
        <li>Halcyon Dental</li>
        <li>Bluebay Studios</li>
        <li>Fernhill Legal</li>
        <li>Quarry &amp; Co</li>
      </ul>
    </section>

    <section class="features">
      <h2>Everything your inbox should have done already</h2>
      <div class="feature-grid">
        <article>
          <h3>Shared inboxes</h3>
          <p>Connect sales@, support@ and any personal mailbox. Everyone sees the same threads, with clear
            ownership, so no customer waits because two people each thought the other one replied.</p>
        </article>
        <article>
          <h3>Assignments and mentions</h3>
          <p>Assign a thread to a teammate, @mention someone for a second opinion, and leave internal notes that
            the customer never sees. Every thread shows who is on it right now.</p>
        </article>
        <article>
          <h3>Sequences</h3>
          <p>Write a follow-up sequence once and enrol contacts in it from any thread. Aktok stops the sequence
            the moment someone replies, so nobody gets a "just bumping this" after they already said yes.</p>
        </article>
        <article>
          <h3>Open and click tracking</h3>
          <p>See when a proposal was opened and which link was clicked. Workspace admins decide whether tracking
            is on, and each sender can switch it off for their own messages.</p>
        </article>
        <article>
          <h3>Templates with variables</h3>
          <p>Save the replies you write every day, with variables for names, companies and custom fields from
            your CRM. Templates are versioned, so edits never surprise the rest of the team.</p>
        </article>
        <article>
          <h3>Push notifications</h3>
          <p>Get a notification on your phone or desktop when a VIP replies or a thread assigned to you is about
            to breach its response-time target. Quiet hours respect your time zone.</p>
        </article>
      </div>
    </section>

    <section class="testimonial">
      <blockquote>
        <p>"We moved eleven people off a tangle of forwarding rules and CC chains in one afternoon. Our median
          first reply went from nine hours to under two, and I finally know who owns which customer."</p>
        <footer>Priya Raman, Head of Customer Success, Northwind Freight</footer>
      </blockquote>
    </section>

    <section class="numbers">
      <h2>Built for teams of 2 to 200</h2>
      <ul>
        <li><strong>38%</strong> faster first replies on average after 30 days</li>
        <li><strong>12 min</strong> median time to connect a mailbox and invite a team</li>
        <li><strong>99.95%</strong> uptime over the last twelve months</li>
      </ul>
    </section>

    <section class="security">
      <h2>Secure by default</h2>
      <p>Aktok connects to Google Workspace and Microsoft 365 over OAuth, so we never see your password. Data is
        encrypted in transit and at rest, access tokens are short-lived, and every workspace can enforce single
        sign-on and two-factor authentication. Read our security overview or talk to us about a data processing
        agreement.</p>
    </section>

    <section class="cta">
      <h2>Try Aktok with your team this week</h2>
      <p>Connect a mailbox, invite two colleagues and assign your first thread in less time than it takes to read
        the backlog.</p>
      <p><a class="button button-large" href="/pricing">See plans and pricing</a></p>
    </section>`,
};

const PRICING: Page = {
  title: "Pricing | Aktok",
  description: "Simple per-seat pricing for Aktok. Start free for 14 days, no credit card required.",
  path: "/pricing",
  main: `    <section class="hero hero-compact">
      <h1>Simple pricing that grows with your team</h1>
      <p class="lead">Every plan includes unlimited shared inboxes, unlimited history and a 14-day free trial.
        Pay monthly, or yearly and save two months.</p>
    </section>

    <section class="plans">
      <article class="plan">
        <h2>Starter</h2>
        <p class="price"><strong>$12</strong> per seat / month</p>
        <p>For small teams replacing a shared Gmail login.</p>
        <ul>
          <li>Up to 5 seats</li>
          <li>3 connected mailboxes</li>
          <li>Assignments, notes and mentions</li>
          <li>50 saved templates</li>
          <li>Email support</li>
        </ul>
        <p><a class="button" href="https://app.aktok.com/signup?plan=starter">Start free trial</a></p>
      </article>
      <article class="plan plan-featured">
        <h2>Team</h2>
        <p class="badge">Most popular</p>
        <p class="price"><strong>$29</strong> per seat / month</p>
        <p>For sales and success teams that live in their inbox.</p>
        <ul>
          <li>Unlimited seats and mailboxes</li>
          <li>Sequences with automatic stop on reply</li>
          <li>Open and click tracking</li>
          <li>CRM sync (HubSpot, Pipedrive, Salesforce)</li>
          <li>Response-time targets and reports</li>
          <li>Chat and email support</li>
        </ul>
        <p><a class="button" href="https://app.aktok.com/signup?plan=team">Start free trial</a></p>
      </article>
      <article class="plan">
        <h2>Business</h2>
        <p class="price"><strong>$49</strong> per seat / month</p>
        <p>For larger teams with security and compliance needs.</p>
        <ul>
          <li>Everything in Team</li>
          <li>SAML single sign-on and SCIM</li>
          <li>Audit log and data retention rules</li>
          <li>EU data residency</li>
          <li>Data processing agreement</li>
          <li>Dedicated success manager</li>
        </ul>
        <p><a class="button button-secondary" href="mailto:sales@aktok.com">Talk to sales</a></p>
      </article>
    </section>

    <section class="compare">
      <h2>Compare plans</h2>
      <table>
        <thead>
          <tr><th scope="col">Feature</th><th scope="col">Starter</th><th scope="col">Team</th><th scope="col">Business</th></tr>
        </thead>
        <tbody>
          <tr><th scope="row">Shared inboxes</th><td>Unlimited</td><td>Unlimited</td><td>Unlimited</td></tr>
          <tr><th scope="row">Connected mailboxes</th><td>3</td><td>Unlimited</td><td>Unlimited</td></tr>
          <tr><th scope="row">Sequences</th><td>&mdash;</td><td>Yes</td><td>Yes</td></tr>
          <tr><th scope="row">Open and click tracking</th><td>&mdash;</td><td>Yes</td><td>Yes</td></tr>
          <tr><th scope="row">Single sign-on</th><td>&mdash;</td><td>Google, Microsoft</td><td>SAML + SCIM</td></tr>
          <tr><th scope="row">Data residency</th><td>US</td><td>US</td><td>US or EU</td></tr>
          <tr><th scope="row">Support</th><td>Email</td><td>Chat and email</td><td>Dedicated manager</td></tr>
        </tbody>
      </table>
    </section>

    <section class="faq">
      <h2>Frequently asked questions</h2>
      <details>
        <summary>What happens when my trial ends?</summary>
        <p>Your workspace switches to read-only until you choose a plan. Nothing is deleted for 60 days, and you
          can export everything at any time.</p>
      </details>
      <details>
        <summary>Do you charge for read-only or occasional users?</summary>
        <p>No. Teammates who only read threads and leave notes are free on every plan. You pay for people who
          send email from Aktok.</p>
      </details>
      <details>
        <summary>Can I change plans later?</summary>
        <p>Yes, at any time. Upgrades take effect immediately and are prorated; downgrades take effect at the end
          of the billing period.</p>
      </details>
      <details>
        <summary>How do payments work?</summary>
        <p>We accept all major cards and, on yearly Business plans, invoices. Payments are processed by Stripe;
          we never store your card details.</p>
      </details>
      <details>
        <summary>Do you offer discounts for non-profits and education?</summary>
        <p>Registered non-profits and schools get 50% off the Team plan. Write to sales@aktok.com with proof of
          status and we will set it up.</p>
      </details>
    </section>`,
};

const BLOG_HELLO: Page = {
  title: "Hello, world: why we built Aktok | Aktok Blog",
  description: "The story behind Aktok, and what we learned from 200 teams drowning in forwarded email.",
  path: "/blog/hello",
  main: `    <article class="post">
      <header>
        <p class="post-meta"><a href="/blog/hello">Blog</a> &middot; <time datetime="2026-04-03">April 3, 2026</time>
          &middot; 6 min read</p>
        <h1>Hello, world: why we built Aktok</h1>
        <p class="lead">Three years ago we ran a twelve-person agency out of one Gmail login and a spreadsheet.
          This is the story of how that broke, and what we built instead.</p>
      </header>

      <p>Every small company starts with a shared address. At first it is a convenience: one login, everyone can
        see everything, and nobody has to think about who answers what. Then the company grows to five people,
        and then to ten, and the convenience quietly turns into a liability.</p>

      <p>For us the moment came on a Tuesday in February. A customer had written to ask whether we could move a
        launch date. Two of us saw the message. Both of us assumed the other one would reply. Neither did, and
        the customer found out about the missed date from their own calendar. Nothing dramatic happened, but we
        lost the account three months later, and when we asked why, the answer was simple: "We never knew who
        to talk to."</p>

      <h2>What we tried first</h2>

      <p>We did what everyone does. We added labels, then colour-coded labels, then a rule that whoever opened a
        thread first had to star it. We tried a help-desk tool, which turned our customers into ticket numbers
        and made every reply look like it came from a robot. We tried forwarding everything into a chat channel,
        which mostly taught us how many emails a day we were ignoring.</p>

      <p>None of it fixed the real problem, which was ownership. Email is a conversation between people, and a
        shared inbox needs to know which person is in the conversation right now.</p>

      <h2>A two-minute tour</h2>

      <p>Here is what Aktok looks like today, from connecting a mailbox to assigning your first thread:</p>

      <figure class="video">
        ${YOUTUBE_EMBED}
        <figcaption>Aktok in two minutes: shared inboxes, assignments and follow-ups.</figcaption>
      </figure>

      <h2>What we built</h2>

      <p>Aktok started as a weekend project: a page that listed every open thread in our shared inbox next to
        the name of the person who owned it. That was the whole product for the first month, and it worked so
        well that two other agencies in our building asked to use it.</p>

      <p>Since then we have added the things those teams kept asking for. Internal notes, so that the question
        "did anyone call them?" lives next to the email instead of in a chat thread. Sequences, so that a
        follow-up goes out on Thursday even if you are on holiday, and stops the moment the customer replies.
        Response-time targets, so that the team sees which conversations are about to go cold.</p>

      <h2>What we will not build</h2>

      <p>We have also said no to a lot. Aktok will not read your email to sell you ads, and it will not turn your
        customers into ticket numbers. Tracking pixels in outgoing mail are a workspace setting that each sender
        can switch off, because the person writing the email should decide how it is measured.</p>

      <h2>What comes next</h2>

      <p>This blog is where we will write about how we build Aktok, what we learn from the teams who use it, and
        the occasional opinion about email etiquette. If you run a shared inbox and something about it drives you
        mad, we would love to hear about it. Reply to any email from us, and a person on the team will own the
        thread.</p>

      <footer class="post-footer">
        <p>Written by Jonah Whitaker, co-founder of Aktok.</p>
        <p><a class="button" href="/pricing">Try Aktok free for 14 days</a></p>
      </footer>
    </article>`,
};

const RUN_TIME: Page = {
  title: "Trackers loaded by JavaScript | Aktok demo",
  description: "Every way first-party JavaScript loads a tracker, none of them in the HTML.",
  path: "/run-time",
  script: "/first-party/run-time.js",
  main: `    <section class="hero hero-compact">
      <h1>Trackers loaded by JavaScript</h1>
      <p class="lead">This page's HTML has no tracker in it. Its own script, <code>/first-party/run-time.js</code>,
        creates GA4's gtag.js and Meta's fbevents.js, a Meta pixel, a YouTube player and a preconnect hint, and
        calls <code>fetch</code>, <code>sendBeacon</code>, <code>XMLHttpRequest</code>, a WebSocket and an
        EventSource to tracker hosts, the way tag managers and plugins do. Without consent, consent-edge's page
        guard makes the elements inert and refuses the requests; grant above and the elements load, without a
        reload, while the refused requests stay refused.</p>
      <p><button type="button" id="run-again">Run every pattern again</button></p>
    </section>
    <section>
      <h2>What happened</h2>
      <ol id="run-time-log"></ol>
      <figure class="video" id="video-slot"></figure>
    </section>`,
};

const SDKS: Page = {
  title: "Analytics SDKs from npm | Aktok demo",
  description: "posthog-js, ga-gtag and mixpanel-browser bundled into the site's own script.",
  path: "/sdks",
  script: "/first-party/sdks.js",
  main: `    <section class="hero hero-compact">
      <h1>Analytics SDKs from npm</h1>
      <p class="lead">This page's only script is the site's own bundle, <code>/first-party/sdks.js</code>: posthog-js,
        ga-gtag and mixpanel-browser, installed from the npm registry, unmodified, started as their READMEs say.
        Nothing of theirs reaches the network until analytics is granted.</p>
      <p>SDKs: <span id="sdks-status">not started</span>
        (<a href="/sdks?late">open with <code>?late</code></a> to start them by hand:
        <button type="button" id="sdks-start">Start the SDKs</button>)</p>
      <p><button type="button" id="sdks-event">Send an event to each</button></p>
    </section>`,
};

export const PAGES: ReadonlyMap<string, Page> = new Map([
  [HOME.path, HOME],
  [PRICING.path, PRICING],
  [BLOG_HELLO.path, BLOG_HELLO],
  [RUN_TIME.path, RUN_TIME],
  [SDKS.path, SDKS],
]);

export function renderPage(path: string, ctx: PageContext): string | undefined {
  const page = PAGES.get(path);
  return page === undefined ? undefined : layout(page, ctx);
}

export function renderNotFound(path: string, ctx: PageContext): string {
  return layout(
    {
      title: "Page not found | Aktok",
      description: "The page you were looking for does not exist.",
      path,
      main: `    <section class="hero hero-compact">
      <h1>We couldn't find that page</h1>
      <p class="lead">Nothing lives at <code>${escapeHtml(path)}</code>. It may have moved, or the link may be
        mistyped.</p>
      <p><a class="button" href="/">Go to the home page</a> <a class="button button-secondary" href="/blog/hello">Read
        the blog</a></p>
    </section>`,
    },
    ctx,
  );
}
