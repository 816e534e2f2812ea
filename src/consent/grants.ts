/**
 * What a visitor granted: categories, and services within them. Every stage asks one question,
 * "is what this rule needs granted?", with the rule's *need*: its category (`marketing`), or for a
 * rule of a service `category:service` (`marketing:youtube`), which is granted when the category
 * is, or when the visitor granted that service on its own ("Always allow YouTube"), unless a signal
 * (GPC, DNT's categories) refuses the category: a signal refuses a service's rules with it.
 *
 * `Grants` is the set of granted categories (iterating it lists categories only, as before
 * services existed) carrying the services beside it; `allows(granted, needOf(rule))` is the one
 * test every stage makes. A plain `Set` of categories grants no service on its own: fail closed.
 */

/** Between a need's category and its service. Not a category or service character (config/site.ts, config/service.ts). */
export const SERVICE_SEPARATOR = ":";

/** What a rule needs: `category`, or `category:service`. */
export function needOf(rule: { category: string; service?: string | undefined }): string {
  return rule.service === undefined ? rule.category : `${rule.category}${SERVICE_SEPARATOR}${rule.service}`;
}

/** A need's category and service (undefined for a plain category). */
export function parseNeed(need: string): { category: string; service: string | undefined } {
  const at = need.indexOf(SERVICE_SEPARATOR);
  return at === -1
    ? { category: need, service: undefined }
    : { category: need.slice(0, at), service: need.slice(at + 1) };
}

export interface Grants extends ReadonlySet<string> {
  /** Services the visitor granted on their own, by id (not those granted through their category). */
  readonly services: ReadonlySet<string>;
  /** Categories a signal refuses whatever the visitor granted: their services are refused too. */
  readonly refused: ReadonlySet<string>;
}

/**
 * The grants of `categories` and `services`. `refused`: the categories a signal refuses whatever
 * the visitor granted; a service of one of them is not granted either.
 */
export function grantsOf(
  categories: Iterable<string>,
  services: Iterable<string> = [],
  refused: Iterable<string> = [],
): Grants {
  return Object.assign(new Set(categories), { services: new Set(services), refused: new Set(refused) });
}

/**
 * Whether a need (`marketing`, `marketing:youtube`) is granted. `granted` may be a plain set of
 * categories (a stage driven without a request's consent): it grants no service on its own.
 */
export function allows(granted: ReadonlySet<string>, need: string): boolean {
  const { category, service } = parseNeed(need);
  if (granted.has(category)) return true;
  if (service === undefined || !isGrants(granted)) return false;
  return granted.services.has(service) && !granted.refused.has(category);
}

export function isGrants(granted: ReadonlySet<string>): granted is Grants {
  return "services" in granted && "refused" in granted;
}
