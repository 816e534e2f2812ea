/**
 * Resolve a request's consent, in four steps:
 *   1. the region's model (opt-in, opt-out, notice) from the visitor's country;
 *   2. the site's sources in order (its own cookie, then CMPs); the first that holds a decision
 *      for this policy revision, younger than the maximum consent age, wins;
 *   3. no decision: opt-in grants only `necessary`; opt-out and notice grant every category;
 *   4. signals on top: GPC refuses its categories where binding (even over a decision), DNT the
 *      site's DNT categories, and every US opt-out a source holds (GPP, US Privacy: the `refuses`
 *      of every source, read even after one decided, so that no source's place in the order, and
 *      no string without opt-outs, can lift one).
 * Pure: no I/O, the clock is passed in. A source that throws did not decide (fail closed).
 *
 * A decision dated more than a day ahead of the clock (or not a finite date) could never expire, so
 * the maximum consent age would not apply to it: it decides, but as a refusal of everything. It is
 * not passed over, since the next source or an opt-out region's default may grant more than any
 * decision. A day, not minutes: CMPs date a choice with the visitor's clock, which may be off by
 * hours (consent-edge's own cookie, dated by the edge, keeps a tighter bound of its own).
 *
 * A scoped grant (a placeholder's button: `+marketing` in the own cookie) is not a decision: it
 * grants its categories while no source decided, and the rest keep the region's default: the
 * visitor is still undecided, so the banner still asks. A later source's decision is the whole choice.
 */
import { NECESSARY } from "../config/types";
import type { ValidSite } from "../config/validate";
import { grantsOf } from "./grants";
import { regionOf } from "./region";
import { servicesOf } from "./services";
import type { ConsentSource, SourceDecision } from "./sources/source";
import type { ConsentInput, ConsentState } from "./types";

/** How far ahead of the edge's clock a source's decision may be dated (see above). */
export const MAX_DECISION_SKEW_SECONDS = 86_400;

export function resolveConsent(
  input: ConsentInput,
  site: ValidSite,
  sources: readonly ConsentSource[],
): ConsentState {
  const region = regionOf(site.regions, input.country, input.regionCode);
  const gpc = input.headers.get("Sec-GPC")?.trim() === "1";
  const dnt = input.headers.get("DNT")?.trim() === "1";
  const ignored: string[] = [];

  let decision: SourceDecision | undefined;
  /** The first scoped grant met on the way, and whose it is. */
  let scoped: { granted: string[]; services: string[]; by: string; receiptId?: string } | undefined;
  let source = "default";
  let reason = "valid";
  /** US opt-outs (GPP, US Privacy): category -> the source that refuses it, from every source. */
  const optOuts = new Map<string, string>();
  for (const candidate of sources) {
    let result: ReturnType<ConsentSource["read"]>;
    try {
      result = candidate.read(input, site);
    } catch {
      result = { skip: "error" };
    }
    for (const category of result.refuses ?? [])
      if (!optOuts.has(category)) optOuts.set(category, candidate.name);
    // Once a source decided, the rest are read only for their opt-outs.
    if (decision) continue;
    if ("skip" in result) {
      ignored.push(`${candidate.name}: ${result.skip}`);
      continue;
    }
    const { givenAt } = result.decision;
    if (
      givenAt !== undefined &&
      (!Number.isFinite(givenAt) || givenAt > input.now + MAX_DECISION_SKEW_SECONDS)
    ) {
      // Untrustworthy date: decides, and refuses everything (see above).
      decision = { granted: [] };
      source = candidate.name;
      reason = "future-date";
      continue;
    }
    if (givenAt !== undefined && input.now - givenAt > site.consent.maxAgeSeconds) {
      ignored.push(`${candidate.name}: expired`);
      continue;
    }
    if (result.decision.scoped) {
      ignored.push(`${candidate.name}: scoped`);
      const { granted, services = [], receiptId } = result.decision;
      scoped ??= {
        granted,
        services,
        by: candidate.name,
        ...(receiptId !== undefined ? { receiptId } : {}),
      };
      continue;
    }
    decision = result.decision;
    source = candidate.name;
    reason = "valid";
  }

  const decidedBy: Record<string, string> = {};
  const categories = new Set<string>([NECESSARY]);
  decidedBy[NECESSARY] = NECESSARY;
  for (const category of site.categories) {
    if (category === NECESSARY) continue;
    const yes = decision ? decision.granted.includes(category) : region.model !== "opt-in";
    if (yes) categories.add(category);
    decidedBy[category] = decision ? source : `default:${region.model}`;
    // Only while nothing decided: a decision is the visitor's whole choice (the consent API makes a
    // scoped grant on top of one a whole choice), so one beside it cannot widen it.
    if (!decision && scoped?.granted.includes(category)) {
      categories.add(category);
      decidedBy[category] = scoped.by;
    }
  }
  const refusedBySignals: string[] = [];
  if (gpc && site.consent.gpc.bindingIn.includes(region.model)) {
    for (const category of site.consent.gpc.categories) refuse(category, "gpc");
  }
  if (dnt) for (const category of site.consent.doNotTrack) refuse(category, "dnt");
  for (const [category, by] of optOuts) if (site.categories.includes(category)) refuse(category, by);

  // A signal overrides whatever granted the category; a category already refused keeps its reason.
  function refuse(category: string, by: string) {
    if (category !== NECESSARY && !refusedBySignals.includes(category)) refusedBySignals.push(category);
    if (categories.delete(category)) decidedBy[category] = by;
  }
  // Services the site's rules name, granted on their own (a scoped grant's only while nothing
  // decided), less those of a category a signal refuses.
  const known = servicesOf(site);
  const services = (decision ? (decision.services ?? []) : (scoped?.services ?? [])).filter((service) => {
    const category = known.get(service)?.category;
    return category !== undefined && !refusedBySignals.includes(category);
  });
  const granted = grantsOf(categories, services, refusedBySignals);

  return {
    granted,
    decided: decision !== undefined,
    source,
    reason: decision ? reason : ignored.join(", ") || "no-source",
    ...(decision?.givenAt !== undefined ? { givenAt: decision.givenAt } : {}),
    ...(decision?.receiptId !== undefined ? { receiptId: decision.receiptId } : {}),
    ...(!decision && scoped
      ? {
          scoped: scoped.granted,
          ...(scoped.receiptId !== undefined ? { receiptId: scoped.receiptId } : {}),
        }
      : {}),
    region,
    signals: { gpc, dnt },
    refusedBySignals,
    decidedBy,
    ignored,
  };
}
