/**
 * An instant as an operator writes it on the command line or in a query string: Unix seconds, or an
 * ISO date (`2026-12-01`, `2026-12-01T10:00:00Z`). Shared by the admin endpoints and the CLI.
 */
/** Unix seconds, or an ISO date (`2026-12-01`, `2026-12-01T10:00:00Z`). */
export function parseInstant(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  if (/^\d{1,12}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
