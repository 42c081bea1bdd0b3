export interface ForbidRule {
  verb: 'get' | 'list';
  /** '' for the core group. */
  group: string;
  resource: string;
  namespace?: string;
  /**
   * Allowed in these namespaces only: denied at the cluster scope and in every other namespace, as
   * when the only grants are Roles there (the Helm chart's rbac.mode namespaced).
   */
  exceptNamespaces?: readonly string[];
}

/**
 * Denials layered on an otherwise all-allowing authorizer, to stage RBAC gaps vigil must report.
 * A rule scoped to one namespace also denies the same verb at the cluster scope (all namespaces):
 * a real cluster-wide grant would cover that namespace, so its absence implies no cluster-wide grant.
 */
export class ForbidRules {
  private readonly rules: ForbidRule[] = [];

  add(rule: ForbidRule): void {
    this.rules.push({
      ...rule,
      ...(rule.exceptNamespaces ? { exceptNamespaces: [...rule.exceptNamespaces] } : {}),
    });
  }

  denies(verb: string, group: string, resource: string, namespace: string | undefined): boolean {
    return this.rules.some(
      (r) =>
        r.verb === verb &&
        r.group === group &&
        r.resource === resource &&
        (r.exceptNamespaces
          ? namespace === undefined || !r.exceptNamespaces.includes(namespace)
          : r.namespace === undefined || namespace === undefined || r.namespace === namespace),
    );
  }
}
