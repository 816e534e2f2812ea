/**
 * A page's copy with a client-side consent tool installed, as its documentation says: the tool's
 * `head` first in `<head>`, its `bodyEnd` last in `<body>`, and, tagged, each tracker the page
 * carries replaced by the tool's tagging of it. Untagged, the trackers stay as the site had them
 * (the common case: the banner added, the tags left alone).
 *
 * Pure string work on the exact snippets (bench/browser/trackers.ts): a tracker that is on the page
 * but was not replaced, or a head without `<head>`, is an error, so a page that changes shape fails
 * loudly instead of measuring a tool that guards nothing.
 */
import type { InstallContext, Peer, Tracker } from "./peer";

export function installPeer(html: string, peer: Peer, tagged: boolean, context: InstallContext): string {
  let out = html;
  for (const tracker of context.trackers) {
    if (tagged && out.includes(tracker.html)) out = replaceAll(out, tracker, peer.tag(tracker, context));
  }
  const head = /<head[^>]*>/i.exec(out);
  if (!head) throw new Error(`${peer.id}: the page has no <head> to install into`);
  const at = head.index + head[0].length;
  out = `${out.slice(0, at)}\n${peer.head(context)}${out.slice(at)}`;
  if (peer.bodyEnd) {
    const end = out.lastIndexOf("</body>");
    if (end === -1) throw new Error(`${peer.id}: the page has no </body> to install into`);
    out = `${out.slice(0, end)}${peer.bodyEnd(context)}\n${out.slice(end)}`;
  }
  return out;
}

function replaceAll(html: string, tracker: Tracker, tagged: string): string {
  const out = html.split(tracker.html).join(tagged);
  // A tagging may keep the snippet whole inside a wrapper (Orejime's <template data-purpose>): what
  // must be gone is the snippet outside every tagged copy.
  if (tagged !== tracker.html && out.split(tagged).join("").includes(tracker.html))
    throw new Error(`${tracker.id}: still on the page after tagging`);
  return out;
}
