/** StatefulSets, pods, events and PVCs of the demo's prod cluster (DOMAIN.md section 3). */
export function demoStatefulSetObjects(_now: Date): Record<string, unknown>[] {
  return [];
}
