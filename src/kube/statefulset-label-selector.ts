import type { LabelSelector } from './kube-objects.js';

/**
 * A LabelSelector object in the string syntax list calls take (k8s.io/apimachinery
 * metav1.LabelSelectorAsSelector): `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas.
 * A StatefulSet's selector is immutable and required, so an empty one is not expected; it would
 * select everything, which is why the caller also checks ownerReferences.
 */
export function labelSelectorText(selector: LabelSelector | undefined): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) parts.push(`${key}=${value}`);
  for (const req of selector?.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    switch (req.operator) {
      case 'In':
        parts.push(`${req.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${req.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(req.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${req.key}`);
        break;
      default:
        throw new Error(`unknown label selector operator "${req.operator}"`);
    }
  }
  return parts.join(',');
}
