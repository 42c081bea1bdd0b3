/**
 * One served resource, the facts discovery publishes about it and the routes need: where it lives
 * (group/version/plural), what it is called (kind, singular, short names) and whether it sits under
 * /namespaces/{ns}/. The same shape describes built-in types and CRD-defined ones.
 */
export interface ResourceType {
  /** '' for the core ("legacy") group served under /api. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /**
   * Defined by a CRD. Custom objects are served unstructured, so list items keep their kind and
   * apiVersion; built-in lists omit them per item. Clients must handle both.
   */
  custom?: boolean;
}

/** 'v1' for core, 'apps/v1' otherwise: the apiVersion of objects and the discovery groupVersion. */
export function groupVersionOf(t: { group: string; version: string }): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/**
 * The name the real server uses in messages: plain plural for core, `plural.group` otherwise
 * (e.g. `statefulsets.apps "web" not found`).
 */
export function qualifiedResource(t: { group: string; plural: string }): string {
  return t.group === '' ? t.plural : `${t.plural}.${t.group}`;
}

/** Objects of one resource are stored once whatever version a request names (CRDs serve many). */
export function storageKeyOf(t: { group: string; plural: string }): string {
  return `${t.group}/${t.plural}`;
}
