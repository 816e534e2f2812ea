/** Elements created by script (being written). */
import type { PageRules } from "./rules";

export function guardElements(rules: PageRules): void {
  void rules;
}
