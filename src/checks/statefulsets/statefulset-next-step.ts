import type { Analysis } from './analyze-statefulset.js';
import type { PodDiagnosis } from './diagnose-pod.js';
import { nameList } from './name-list.js';

/**
 * The next step for the on-call engineer, with its risk. In the incident behind this check the fix
 * was "delete the stuck pod while watching traffic", and the day the stuck pod was the primary,
 * deleting pods in the wrong order took the database down: so every step that deletes a pod says
 * which one, and what it costs.
 */
export function statefulSetNextStep(a: Analysis): string {
  const { namespace: ns, name } = a.sts;
  const kubectl = (args: string) => `\`kubectl -n ${ns} ${args}\``;
  const onlyThisOne =
    'if it is the primary or leader, expect a failover; touch no other pod until it is Ready';

  const lost = a.stuckTerminating.find((v) => a.diagnoses.get(v.pod.name)?.kind === 'terminating-lost-node');
  if (lost) {
    const node = lost.pod.nodeName ?? 'its node';
    return (
      `Confirm ${node} is really down (powered off or gone, not just cut off), then force-delete the pod: ` +
      `${kubectl(`delete pod ${lost.pod.name} --grace-period=0 --force`)}; the controller recreates it on a healthy node. ` +
      `Risk: if ${node} still runs it, two copies of ${lost.pod.name} may write to the same volume. ` +
      `If ${node} is gone for good, \`kubectl delete node ${node}\` releases all its pods.`
    );
  }
  const stuck = a.stuckTerminating[0];
  if (stuck) {
    const { name: pod, nodeName, finalizers } = stuck.pod;
    const node = nodeName ?? 'its node';
    const held =
      finalizers.length > 0
        ? ` Remove a finalizer (${finalizers.join(', ')}) only once the controller that owns it is known to be gone.`
        : '';
    // Without the node's state (no RBAC for nodes) a lost node is the likeliest cause: say how to tell.
    const nodeCheck = a.diagnoses.get(pod)?.nodeUnknown
      ? ` Check ${node} first (\`kubectl get node ${node}\`): if it is NotReady or gone and really down, ` +
        `${kubectl(`delete pod ${pod} --grace-period=0 --force`)} (risk: if ${node} still runs it, two copies may write to the same volume).`
      : '';
    return (
      `Find what holds the deletion of ${pod}: ${finalizers.length > 0 ? 'its finalizers or ' : ''}the kubelet on ${node} ` +
      `(${kubectl(`describe pod ${pod}`)}, kubelet logs).${nodeCheck}${held}`
    );
  }
  if (a.forcedRollback) {
    const pods = a.forcedRollback.pods.map((v) => v.pod.name);
    return (
      `Forced rollback: delete ${nameList(pods)} (${kubectl(`delete pod ${pods[0] ?? ''}`)}), one at a time, and the controller ` +
      `recreates ${pods.length === 1 ? 'it' : 'each'} from revision ${a.rollout.update ?? 'the current template'}. ` +
      `Delete only pods on ${a.forcedRollback.revision}; risk: that replica restarts (${onlyThisOne}).`
    );
  }
  if (a.generationLag && (a.missing.length > 0 || a.unhealthy.length === 0)) {
    return (
      `Check that kube-controller-manager is running and holds its leader lease ` +
      `(\`kubectl -n kube-system get lease kube-controller-manager\`) and read its logs for statefulset ${ns}/${name}; ` +
      `until it observes generation ${a.generationLag.generation}, changes to replicas and the template do nothing.`
    );
  }
  const blocking = a.blocking;
  if (blocking && !blocking.view) {
    return blocking.failedCreate
      ? `Fix what the FailedCreate event names (quota, admission webhook, PersistentVolumeClaim); the controller retries by itself (${kubectl(`describe statefulset ${name}`)}).`
      : `Check kube-controller-manager (running, leader lease, logs for statefulset ${ns}/${name}): nothing is creating ${blocking.name}.`;
  }
  if (blocking?.diagnosis) return podNextStep(a, blocking.diagnosis, kubectl, onlyThisOne);
  if (!a.podsKnown) {
    return `Grant vigil list on pods in namespace ${ns} (see the access finding) so it can say which pod blocks and why.`;
  }
  if (a.partitionAboveReplicas) {
    return (
      `Lower spec.updateStrategy.rollingUpdate.partition to at most ${a.desired} (0 updates every pod): ` +
      `${kubectl(`patch statefulset ${name} -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`)}; ` +
      `risk: pods restart one at a time from the highest ordinal.`
    );
  }
  return `Inspect it: ${kubectl(`describe statefulset ${name}`)}.`;
}

function podNextStep(
  a: Analysis,
  d: PodDiagnosis,
  kubectl: (args: string) => string,
  onlyThisOne: string,
): string {
  const pod = d.pod;
  const c = d.container ? ` -c ${d.container}` : '';
  const ordered = a.sts.podManagementPolicy === 'OrderedReady';
  const replaceAfterFix = ordered
    ? ` After a template change, delete ${pod}: OrderedReady does not replace an unready pod by itself (risk: that replica restarts).`
    : '';
  switch (d.kind) {
    case 'probe':
    case 'not-ready':
      return (
        `Check why the readiness probe fails and the application's own view of its cluster (replica set, quorum): ` +
        `${kubectl(`describe pod ${pod}`)}, ${kubectl(`logs ${pod}${c}`)}. Deleting ${pod} restarts it` +
        `${ordered && a.waiting.missing.length + a.waiting.notUpdated.length > 0 ? ' and lets the controller continue' : ''} (${onlyThisOne}).`
      );
    case 'crash':
      if (d.lastTermination?.reason === 'OOMKilled') {
        return `Container ${d.container ?? ''} was OOMKilled: raise its memory limit in the StatefulSet template.${replaceAfterFix}`;
      }
      return `Read the crash: ${kubectl(`logs ${pod}${c} --previous`)}; fix its cause (configuration, a dependency, the image).${replaceAfterFix}`;
    case 'image':
      return `Fix the image reference or the pull credentials (imagePullSecrets) of container ${d.container ?? ''}, or the registry itself.${replaceAfterFix}`;
    case 'config':
      return `Create the Secret, ConfigMap or key named above in namespace ${a.sts.namespace}; the kubelet retries by itself, no restart needed.`;
    case 'unschedulable':
      return `Add or free capacity, or relax the constraint the scheduler names (resources, node affinity, taints, volume zone): ${kubectl(`describe pod ${pod}`)}. The pod schedules by itself once a node fits.`;
    case 'unbound-claim':
      return `Check the claim's StorageClass and provisioner (${kubectl(`describe pvc ${d.claim ?? ''}`)}); the pod starts once its claim is bound. Never delete the claim of an existing replica: that deletes its data.`;
    case 'missing-claim':
      return `Restore the deleted claim ${d.claim ?? ''} from a backup or snapshot; or, if this replica can resync from its peers, delete ${pod} so the controller recreates it with a new, empty claim (risk: that replica's data is gone).`;
    case 'mount':
      return `Check the volume attachment (${kubectl(`describe pod ${pod}`)}, \`kubectl get volumeattachments\`): a Multi-Attach error clears once the old node releases the volume; a CSI error needs the driver's logs.`;
    case 'node-lost':
    case 'terminating-lost-node':
      return (
        `Its node is down, and a StatefulSet pod is never moved until it is deleted. Confirm the node is really down, then ` +
        `${kubectl(`delete pod ${pod} --grace-period=0 --force`)}; risk: if the node still runs it, two copies may write to the same volume.`
      );
    case 'terminating':
      return `Find what holds the deletion of ${pod} (finalizers, the kubelet): ${kubectl(`describe pod ${pod}`)}.`;
    case 'failed':
      return `The controller replaces a failed pod by itself; if ${pod} keeps failing, read ${kubectl(`describe pod ${pod}`)} (an eviction points at node pressure).`;
    case 'starting':
    case 'not-available':
      return `It is still starting; if it stays so, ${kubectl(`describe pod ${pod}`)}.`;
  }
}
