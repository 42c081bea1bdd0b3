/**
 * What `vigil check` reports as unobservable from outside a node (src/checks/certificates/
 * unobserved-certificates.ts) and a node's files can show. Ids are kubeadm's names where it has one.
 */
export const remoteUnobservable = [
  { id: 'apiserver-etcd-client', what: 'API server client certificate for etcd (apiserver-etcd-client)' },
  {
    id: 'apiserver-kubelet-client',
    what: 'API server client certificate for the kubelets (apiserver-kubelet-client)',
  },
  { id: 'front-proxy-client', what: 'front-proxy client certificate (front-proxy-client)' },
  { id: 'etcd-peer', what: 'etcd peer certificate (etcd-peer)' },
  { id: 'etcd-healthcheck-client', what: 'etcd healthcheck client certificate (etcd-healthcheck-client)' },
  { id: 'admin.conf', what: 'client certificate in admin.conf' },
  { id: 'super-admin.conf', what: 'client certificate in super-admin.conf' },
  { id: 'controller-manager.conf', what: 'client certificate in controller-manager.conf' },
  { id: 'scheduler.conf', what: 'client certificate in scheduler.conf' },
  { id: 'kubelet.conf', what: 'kubelet client certificate (kubelet.conf)' },
  {
    id: 'kubelet-client-rotation',
    what: 'kubelet client certificate rotation (/var/lib/kubelet/pki/kubelet-client-current.pem)',
  },
] as const;

export type UnobservableItemId = (typeof remoteUnobservable)[number]['id'];
