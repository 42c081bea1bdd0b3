import type {
  ClaimInfo,
  EventInfo,
  EventSubject,
  NodeInfo,
  PodInfo,
  RevisionInfo,
  StatefulSetInfo,
  StatefulSetListOptions,
  StatefulSetReader,
} from '../checks/statefulsets/statefulset-reader.js';
import { explainKubeError } from './explain-kube-error.js';
import { kubeStatusOf } from './kube-api-error.js';
import type { KubeClient } from './kube-client.js';
import type { KubeConnection } from './kube-connection.js';
import type {
  ControllerRevision,
  Event,
  Node,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
} from './kube-objects.js';
import { listAll } from './list-in-pages.js';
import {
  controlledBy,
  toClaimInfo,
  toEventInfo,
  toNodeInfo,
  toPodInfo,
  toRevisionInfo,
  toStatefulSetInfo,
} from './statefulset-info.js';

/** Pods, events and revisions of one StatefulSet are few; pages bound the odd 1000-replica set. */
const PAGE_SIZE = 250;

type Scope = KubeConnection['scope'];

/**
 * Reads what the StatefulSet check needs from the Kubernetes API and hands back plain data.
 * Lists are paginated and filtered server-side (namespace exclusions, label and field selectors,
 * all of which a real API server supports for these kinds). Every failure leaves as a
 * KubeAccessError naming verb, resource and namespace, so a missing RBAC rule reads as the rule.
 */
export class KubeStatefulSetReader implements StatefulSetReader {
  private readonly kube: KubeClient;
  private readonly scope: Scope;

  constructor(kube: KubeConnection) {
    this.kube = kube.client;
    this.scope = kube.scope;
  }

  async *statefulSetPages(opts: StatefulSetListOptions): AsyncIterable<StatefulSetInfo[]> {
    const { namespace } = opts;
    // metadata.namespace is selectable on every kind, so excluded namespaces never cross the wire.
    const fieldSelector = opts.excludeNamespaces.map((ns) => `metadata.namespace!=${ns}`).join(',');
    const pages =
      namespace === undefined
        ? listAll<StatefulSet>(
            this.kube,
            '/apis/apps/v1/statefulsets',
            fieldSelector ? { fieldSelector } : {},
            opts.pageSize,
          )
        : listAll<StatefulSet>(
            this.kube,
            `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/statefulsets`,
            {},
            opts.pageSize,
          );
    try {
      for await (const page of pages) yield page.map(toStatefulSetInfo);
    } catch (err) {
      throw this.explain(err, 'list', 'statefulsets');
    }
  }

  async podsOf(sts: StatefulSetInfo): Promise<PodInfo[]> {
    const pods: PodInfo[] = [];
    try {
      for await (const page of listAll<Pod>(
        this.kube,
        `/api/v1/namespaces/${encodeURIComponent(sts.namespace)}/pods`,
        { labelSelector: sts.selector },
        PAGE_SIZE,
      )) {
        for (const p of page) if (controlledBy(p, sts.uid)) pods.push(toPodInfo(p));
      }
    } catch (err) {
      throw this.explain(err, 'list', 'pods');
    }
    return pods;
  }

  async revisionsOf(sts: StatefulSetInfo): Promise<RevisionInfo[]> {
    const revisions: RevisionInfo[] = [];
    try {
      for await (const page of listAll<ControllerRevision>(
        this.kube,
        `/apis/apps/v1/namespaces/${encodeURIComponent(sts.namespace)}/controllerrevisions`,
        { labelSelector: sts.selector },
        PAGE_SIZE,
      )) {
        for (const r of page) {
          const owner = r.metadata?.ownerReferences?.find((o) => o.controller);
          if (owner?.uid === sts.uid) revisions.push(toRevisionInfo(r));
        }
      }
    } catch (err) {
      throw this.explain(err, 'list', 'controllerrevisions');
    }
    return revisions;
  }

  async eventsAbout(subject: EventSubject): Promise<EventInfo[]> {
    // involvedObject.* are registered field selectors for core v1 Events on every server version.
    const fieldSelector = [
      `involvedObject.kind=${subject.kind}`,
      `involvedObject.name=${subject.name}`,
      ...(subject.uid ? [`involvedObject.uid=${subject.uid}`] : []),
    ].join(',');
    const events: EventInfo[] = [];
    try {
      for await (const page of listAll<Event>(
        this.kube,
        `/api/v1/namespaces/${encodeURIComponent(subject.namespace)}/events`,
        { fieldSelector },
        PAGE_SIZE,
      )) {
        for (const e of page) events.push(toEventInfo(e));
      }
    } catch (err) {
      throw this.explain(err, 'list', 'events');
    }
    return events;
  }

  async claim(namespace: string, name: string): Promise<ClaimInfo | null> {
    try {
      return toClaimInfo(
        (await this.kube.get(
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims/${encodeURIComponent(name)}`,
        )) as PersistentVolumeClaim,
      );
    } catch (err) {
      if (kubeStatusOf(err) === 404) return null;
      throw this.explain(err, 'get', 'persistentvolumeclaims');
    }
  }

  async node(name: string): Promise<NodeInfo | null> {
    try {
      return toNodeInfo((await this.kube.get(`/api/v1/nodes/${encodeURIComponent(name)}`)) as Node);
    } catch (err) {
      if (kubeStatusOf(err) === 404) return null;
      throw this.explain(err, 'get', 'nodes');
    }
  }

  // The bare resource name: a 403 without a parsable Status message falls back to it for the RBAC rule.
  private explain(err: unknown, verb: string, resource: string) {
    return explainKubeError(err, { ...this.scope, verb, resource });
  }
}
