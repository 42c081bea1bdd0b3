/**
 * The port the registry check reads a cluster through (implemented in src/kube). Plain data only;
 * every method may throw a VigilError (codes `kube-*`) which the check turns into a finding.
 */
export type ImageUserKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob';

export interface ContainerImage {
  container: string;
  image: string;
  role: 'container' | 'init' | 'ephemeral';
}

/** A pod container waiting in ErrImagePull / ImagePullBackOff. */
export interface PullError {
  container: string;
  image: string;
  reason: string;
  message?: string;
}

/** A pod, or the pod template of a workload: who pulls which images with which pull secrets. */
export interface ImageUser {
  kind: ImageUserKind;
  namespace: string;
  name: string;
  serviceAccountName: string;
  /** `spec.imagePullSecrets[].name`; empty when none are set. */
  imagePullSecrets: string[];
  images: ContainerImage[];
  /** Pods only: the controller that owns the pod (e.g. ReplicaSet web-7d9f, Job nightly-2890). */
  owner?: { kind: string; name: string };
  /** Pods only: the `pod-template-hash` label, which links a ReplicaSet back to its Deployment. */
  podTemplateHash?: string;
  /** Pods only. */
  pullErrors?: PullError[];
  /** Pods only: when the pod stopped being ready (ContainersReady=False) or was created. */
  notReadySince?: string;
}

export interface PullFailureEvent {
  namespace: string;
  pod: string;
  message: string;
  firstSeen?: string;
  lastSeen?: string;
  count: number;
}

export interface ServiceAccountPullSecrets {
  namespace: string;
  name: string;
  imagePullSecrets: string[];
}

export type PullSecretData =
  | { found: false }
  /** `type` is the Secret type; `data` holds its base64 values exactly as the API returns them. */
  | { found: true; type: string; data: Record<string, string> };

export interface RegistryReader {
  /** Pods (containers, init, ephemeral) and the pod templates of Deployments, StatefulSets, DaemonSets and CronJobs, read in pages. */
  imageUsers(): Promise<ImageUser[]>;
  /** ServiceAccounts that carry imagePullSecrets (pods created later inherit them). */
  serviceAccountPullSecrets(): Promise<ServiceAccountPullSecrets[]>;
  /** Recent `Failed to pull image` events of pods. */
  pullFailureEvents(): Promise<PullFailureEvent[]>;
  /** One Secret named in imagePullSecrets, fetched by name (never a list of Secrets). */
  pullSecret(namespace: string, name: string): Promise<PullSecretData>;
}
