import { qualifiedResource, type ResourceType } from './resource-type.js';

/**
 * `Status` bodies exactly as the real API server writes them. Clients branch on `reason` and `code`
 * and show `message` verbatim (kubectl prints `Error from server (Forbidden): <message>`), so the
 * wording is copied from k8s.io/apimachinery and apiserver rather than invented.
 */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

/** Thrown inside request handling; the server turns it into the response. */
export class KubeStatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
}

function status(code: number, reason: string, message: string, extra: Partial<KubeStatus> = {}): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...extra,
    code,
  };
}

/** Real servers leave `group` out of details when it is empty (omitempty), so do we. */
function details(t: Pick<ResourceType, 'group' | 'plural'>, name?: string) {
  return { ...(name !== undefined ? { name } : {}), ...(t.group ? { group: t.group } : {}), kind: t.plural };
}

export const kubeStatus = {
  unauthorized: () => status(401, 'Unauthorized', 'Unauthorized'),

  /** `secrets is forbidden: User "u" cannot list resource "secrets" in API group "" at the cluster scope` */
  forbidden(
    user: string,
    verb: string,
    t: Pick<ResourceType, 'group' | 'plural'>,
    namespace?: string,
    name?: string,
  ) {
    const subject = name !== undefined ? `${qualifiedResource(t)} "${name}"` : qualifiedResource(t);
    const scope = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
    const message =
      `${subject} is forbidden: User "${user}" cannot ${verb} resource "${t.plural}" ` +
      `in API group "${t.group}" ${scope}`;
    return status(403, 'Forbidden', message, { details: details(t, name) });
  },

  /** `secrets "x" not found` with details naming the object. */
  notFound: (t: Pick<ResourceType, 'group' | 'plural'>, name: string) =>
    status(404, 'NotFound', `${qualifiedResource(t)} "${name}" not found`, { details: details(t, name) }),

  /** What the API server's catch-all handler answers for unserved paths (e.g. a CRD not installed). */
  pathNotFound: () =>
    status(404, 'NotFound', 'the server could not find the requested resource', { details: {} }),

  methodNotAllowed: () =>
    status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {
      details: {},
    }),

  badRequest: (message: string) => status(400, 'BadRequest', message),

  /**
   * A continue token whose snapshot was compacted away. Like etcd-backed servers, the body carries a
   * fresh token that resumes after the same key at the latest state (an inconsistent continuation).
   */
  continueExpired: (inconsistentContinue: string) =>
    status(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new ' +
        'list without the continue parameter, or use the continue token in this response to retrieve the ' +
        'remainder of the results. Continuing with the provided token results in an inconsistent list - ' +
        'objects that were created, modified, or deleted between the time the first chunk was returned and ' +
        'now may show up in the list.',
      { metadata: { continue: inconsistentContinue } },
    ),
};
