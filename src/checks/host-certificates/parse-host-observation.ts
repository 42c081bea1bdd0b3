import { z } from 'zod';
import type { HostObservation } from './host-observation.js';
import { remoteUnobservable } from './remote-unobservable.js';

const layoutId = z.enum(['kubeadm', 'k3s', 'rke2', 'kubelet', 'extra']);
const text = z.string().max(4096);
const links = z.array(text).max(64);

const entry = z.object({
  layout: layoutId,
  name: text,
  path: text,
  role: z.enum(['certificate', 'ca', 'auto']),
  format: z.enum(['certificate', 'kubeconfig', 'auto']),
  required: z.boolean(),
  listedByKubeadm: z.boolean(),
  caName: text.optional(),
  keyPath: text.optional(),
  covers: z.enum(remoteUnobservable.map((i) => i.id) as [string, ...string[]]).optional(),
  rotation: z.enum(['kubelet-client', 'kubelet-server']).optional(),
});

const outcome = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    // A bundle of a few hundred CAs (an extra path on /etc/ssl/certs) is about 300 kB.
    pem: z.string().max(4_000_000),
    format: z.enum(['pem', 'der', 'pkcs12']),
    readFrom: text,
    links,
    privateKeyInFile: z.boolean(),
    kubeconfig: z.object({ user: text, embedded: z.boolean(), references: text.optional() }).optional(),
  }),
  z.object({ status: z.literal('missing'), links }),
  z.object({
    status: z.literal('unreadable'),
    reason: text,
    access: z.boolean(),
    links,
    references: text.optional(),
  }),
  z.object({ status: z.literal('no-client-certificate'), reason: text }),
]);

const observation = z.object({
  node: text,
  observedAt: z.iso.datetime(),
  entries: z.array(z.object({ entry, keyPresent: z.boolean().optional(), outcome })).max(10_000),
  notes: z.array(z.object({ layout: layoutId, path: text, message: text })).max(10_000),
});

/**
 * A report body read back from Redis, checked before anything is computed from it: whatever can
 * write to that Redis can write there, and an older or newer agent may write another shape. What
 * does not fit is named (the first problem's field), never quoted.
 */
export function parseHostObservation(
  body: unknown,
): { ok: true; observation: HostObservation } | { ok: false; problem: string } {
  const r = observation.safeParse(body);
  if (r.success) return { ok: true, observation: r.data as HostObservation };
  const issue = r.error.issues[0];
  const at = issue?.path.length ? issue.path.join('.') : 'the report';
  return { ok: false, problem: `${at} is not what vigil agent writes (${issue?.code ?? 'invalid'})` };
}
