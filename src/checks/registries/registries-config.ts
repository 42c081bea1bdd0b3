import { readFileSync } from 'node:fs';
import { z } from 'zod';

// A registry as written in config: host, host:port or [ipv6]:port, optionally with a leading
// `*.` label glob for `ignore`. Paths and schemes are refused so nobody thinks they matter here.
const hostPattern =
  /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:\d{1,5})?$/;
const globPattern = /^\*\.[A-Za-z0-9.-]+(:\d{1,5})?$/;
const hostHint =
  'must be a registry host such as "registry.example.com", "myreg:5000" or "[::1]:5000" (no scheme, no path)';

const registryHost = z.string().trim().regex(hostPattern, { error: hostHint });

/** An `extra` entry: a registry host, or an image reference (it contains `/`) to probe with. */
const extraEntry = z
  .string()
  .trim()
  .min(1)
  .refine((s) => !/^[a-z]+:\/\//i.test(s), {
    error:
      'write the registry without a scheme, e.g. "registry.example.com:5000" (use "insecure" for plain HTTP)',
  })
  .refine((s) => s.includes('/') || hostPattern.test(s), {
    error: `${hostHint}, or an image reference such as "registry.example.com/team/app:1.0"`,
  });

/** A PEM file that nodes trust for this registry; read now so a typo fails at start-up, not at 3 a.m. */
const caFile = z
  .string()
  .min(1)
  .superRefine((path, ctx) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      ctx.addIssue({
        code: 'custom',
        message: `cannot read "${path}" (${code}); give the path of a PEM CA bundle readable by vigil (relative paths start at the config file's directory)`,
      });
      return;
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) {
      ctx.addIssue({
        code: 'custom',
        message: `"${path}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      });
    }
  });

/** `registries:` in vigil.yaml. Owned by the registry check (src/checks/registries). */
export const registriesConfigSchema = z
  .strictObject({
    /**
     * Registries to probe even when no image uses them yet: a host (`myreg:5000` here is a registry,
     * not an image) or an image reference with `/`, which is also the image the probe asks for.
     */
    extra: z.array(extraEntry).default([]),
    /** Registries never probed: exact hosts (`docker.io`, `myreg:5000`) or `*.example.com` (one label). */
    ignore: z
      .array(
        z
          .string()
          .trim()
          .refine((s) => hostPattern.test(s) || globPattern.test(s), {
            error: `${hostHint}, or a glob such as "*.example.com"`,
          }),
      )
      .default([]),
    /**
     * Registries served over plain HTTP (containerd `insecure` / `plain-http`): probed with http://,
     * and the only registries vigil ever sends credentials to without TLS.
     */
    insecure: z.array(registryHost).default([]),
    /** Per registry: the CA bundle the nodes trust for it (containerd hosts.toml `ca`), added to the system store. */
    caFiles: z.record(registryHost, caFile).default({}),
    /** Bound on one registry's whole probe (DNS to manifest); slow registries do not delay the others. */
    probeTimeoutSeconds: z.number().positive().max(60).default(5),
    probeConcurrency: z.number().int().min(1).max(256).default(16),
    /** How many workloads a finding names before "and N more". */
    blastRadiusLimit: z.number().int().min(1).max(100).default(8),
  })
  .prefault({});

export type RegistriesConfig = z.infer<typeof registriesConfigSchema>;
