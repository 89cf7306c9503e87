import type { CheckDef } from '../types';

/** Every check the loaded specs declare, by ID. Filled when spec files are loaded (list and run). */
const registry = new Map<string, CheckDef>();

export function registerCheck(def: CheckDef): void {
  const prev = registry.get(def.id);
  if (prev && JSON.stringify(prev) !== JSON.stringify(def)) {
    throw new Error(`check ID ${def.id} is declared twice with different definitions`);
  }
  registry.set(def.id, def);
}

export function allChecks(): CheckDef[] {
  return [...registry.values()];
}

/** Which checks a run executes (all by default); set before the spec files load. */
let selected: (def: CheckDef) => boolean = () => true;

export function selectChecks(
  requirements: string[] | undefined,
  also: (def: CheckDef) => boolean = () => true,
): void {
  selected = requirements?.length
    ? (def) => def.requirements.some((r) => requirements.includes(r)) && also(def)
    : also;
}

export function isSelected(def: CheckDef): boolean {
  return selected(def);
}
