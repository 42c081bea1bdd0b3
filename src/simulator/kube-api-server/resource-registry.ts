import { builtinResources } from './builtin-resources.js';
import { groupVersionOf, type ResourceType } from './resource-type.js';

type Json = Record<string, unknown>;

/**
 * Which resources the server serves right now. Built-ins are fixed; custom resources appear when
 * their CustomResourceDefinition is stored and vanish when it is deleted, because that is what
 * makes `kubectl get certificates` (and vigil's cert-manager check) answer 404 on clusters without
 * cert-manager, a case vigil must report as "not installed" rather than as an error.
 */
export class ResourceRegistry {
  private readonly custom = new Map<string, ResourceType[]>();

  /** Every served (group, version, plural), built-ins first, in a stable order for discovery. */
  all(): ResourceType[] {
    return [...builtinResources, ...[...this.custom.values()].flat()];
  }

  byPath(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((t) => groupVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** Registers (or re-registers) what a CRD object defines; returns the types it serves. */
  defineFromCrd(crd: Json): ResourceType[] {
    const name = metadataName(crd);
    const types = resourceTypesOfCrd(crd);
    this.custom.set(name, types);
    return types;
  }

  /** Forgets a CRD's types; returns them so the caller can drop the stored custom objects too. */
  removeCrd(name: string): ResourceType[] {
    const types = this.custom.get(name) ?? [];
    this.custom.delete(name);
    return types;
  }
}

function metadataName(obj: Json): string {
  const meta = obj['metadata'] as Json | undefined;
  const name = meta?.['name'];
  if (typeof name !== 'string' || name === '') throw new Error('object has no metadata.name');
  return name;
}

/** Reads spec.group, spec.names and spec.versions[] (served ones only) like the apiextensions server. */
function resourceTypesOfCrd(crd: Json): ResourceType[] {
  const spec = (crd['spec'] ?? {}) as Json;
  const names = (spec['names'] ?? {}) as Json;
  const group = spec['group'];
  const plural = names['plural'];
  const kind = names['kind'];
  if (typeof group !== 'string' || typeof plural !== 'string' || typeof kind !== 'string') {
    throw new Error(`CRD ${metadataName(crd)} needs spec.group, spec.names.plural and spec.names.kind`);
  }
  const singular = typeof names['singular'] === 'string' ? names['singular'] : kind.toLowerCase();
  const shortNames = Array.isArray(names['shortNames']) ? (names['shortNames'] as string[]) : undefined;
  const versions = Array.isArray(spec['versions']) ? (spec['versions'] as Json[]) : [];
  return versions
    .filter((v) => typeof v['name'] === 'string' && v['served'] !== false)
    .map((v) => ({
      group,
      version: v['name'] as string,
      plural,
      singular,
      kind,
      namespaced: spec['scope'] !== 'Cluster',
      custom: true,
      ...(shortNames ? { shortNames } : {}),
    }));
}
