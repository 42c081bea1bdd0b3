type Json = Record<string, unknown>;
type FieldGetter = (obj: Json) => string;

/**
 * Field selectors are not generic on a real server: each kind registers the few fields it indexes
 * (k8s.io/kubernetes pkg/apis/core/v1/conversion.go and friends). Anything else is a 400, so a
 * client that filters on an unsupported field breaks on real clusters; the fake must break too.
 */
function path(...keys: string[]): FieldGetter {
  return (obj) => {
    let cur: unknown = obj;
    for (const k of keys) cur = cur && typeof cur === 'object' ? (cur as Json)[k] : undefined;
    if (cur === undefined || cur === null) return '';
    return typeof cur === 'object' ? JSON.stringify(cur) : String(cur as string | number | boolean);
  };
}

const bool =
  (...keys: string[]): FieldGetter =>
  (obj) =>
    path(...keys)(obj) === 'true' ? 'true' : 'false';

const common: Record<string, FieldGetter> = {
  'metadata.name': path('metadata', 'name'),
  'metadata.namespace': path('metadata', 'namespace'),
};

const byKind: Record<string, Record<string, FieldGetter>> = {
  Secret: { type: path('type') },
  Pod: {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': bool('spec', 'hostNetwork'),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  Event: {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  Node: { 'spec.unschedulable': bool('spec', 'unschedulable') },
  Namespace: { 'status.phase': path('status', 'phase') },
  ReplicaSet: { 'status.replicas': path('status', 'replicas') },
  Job: { 'status.successful': path('status', 'successful') },
};

/** The getter for `field` on objects of `kind`, or undefined when the real server would refuse it. */
export function selectableField(kind: string, field: string): FieldGetter | undefined {
  return common[field] ?? byKind[kind]?.[field];
}
