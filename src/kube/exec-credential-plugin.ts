import { spawn } from 'node:child_process';
import { CredentialPluginError } from './credential-plugin-error.js';

/** `users[].user.exec` of a kubeconfig, as written (raw YAML, see kubeconfig-file.ts). */
export interface ExecConfig {
  command: string;
  args?: unknown;
  env?: unknown;
  apiVersion?: unknown;
}

/** What the plugin's ExecCredential `status` gives: a token, or a client certificate and key (PEM). */
export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
}

export interface ExecCredentialPluginOptions {
  /** The whole plugin run, spawn to exit; the cluster's request timeout. */
  timeoutMs: number;
  /** Where the plugin is configured, for the fix in every message. */
  kubeconfig: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

/** An ExecCredential is a few KB; anything this large is not one. */
const MAX_STDOUT_BYTES = 1024 * 1024;
/** Refresh this long before `expirationTimestamp`, so a token does not expire between check and use. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * Runs a kubeconfig credential plugin the way vigil needs. The client vigil used before
 * (@kubernetes/client-node 2.x's ExecAuth) spawned with no time bound, kept stdin open, and rejected
 * with the plugin's stderr verbatim (refresh tokens included) or a JSON parse error quoting the start
 * of stdout (the token itself), which then reached findings, logs and Slack.
 *
 * Here stdin is closed (a plugin that prompts gets EOF instead of waiting), the plugin and its children
 * are killed when the cluster's request timeout passes, stderr is drained unread, and stdout is parsed
 * but never quoted. Every failure is a CredentialPluginError naming the command, the exit code or
 * bound, and the fix. One connection (one check run) runs the plugin at most once per credential: the
 * result, or the failure, is shared by every request of that run.
 */
export class ExecCredentialPlugin {
  private cached: { status: ExecCredentialStatus; expiresAt?: number } | undefined;
  private pending: Promise<ExecCredentialStatus> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly exec: ExecConfig,
    private readonly opts: ExecCredentialPluginOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  credential(): Promise<ExecCredentialStatus> {
    const cached = this.cached;
    if (cached && (cached.expiresAt === undefined || cached.expiresAt - EXPIRY_MARGIN_MS > this.now())) {
      return Promise.resolve(cached.status);
    }
    if (cached) this.pending = undefined;
    // A failure stays in `pending`: every later request of this connection gets the same error at once
    // instead of waiting for a hanging plugin again.
    this.pending ??= this.run().then((r) => {
      this.cached = r;
      return r.status;
    });
    return this.pending;
  }

  private get name(): string {
    return `credential plugin \`${this.exec.command}\``;
  }

  private fixHint(): string {
    return `users[].user.exec in kubeconfig ${this.opts.kubeconfig}`;
  }

  private run(): Promise<{ status: ExecCredentialStatus; expiresAt?: number }> {
    const { command } = this.exec;
    const timeoutMs = this.opts.timeoutMs;
    return new Promise((resolve, reject) => {
      let settled = false;
      // Assigned once the child exists; `fail` may run before that (spawn can throw).
      let timer: NodeJS.Timeout | undefined = undefined;
      const fail = (message: string, retryable = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new CredentialPluginError(message, { retryable }));
      };
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(command, stringArgs(this.exec.args), {
          env: this.env(),
          stdio: ['ignore', 'pipe', 'pipe'],
          // Its own process group, so a timeout kills the plugin's children too (a shell script's
          // `sleep` would otherwise keep the pipes, and so this run, open).
          detached: true,
          windowsHide: true,
        });
      } catch (err) {
        fail(this.spawnProblem(err));
        return;
      }
      const kill = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      timer = setTimeout(() => {
        kill();
        fail(
          `${this.name} gave no credentials within ${formatMs(timeoutMs)} (clusters[].requestTimeoutSeconds) and was stopped; run it by hand as the user vigil runs as: it may wait for an interactive login or a slow network. Fix its login or ${this.fixHint()}`,
          true,
        );
      }, timeoutMs);
      const chunks: Buffer[] = [];
      let bytes = 0;
      child.stdout?.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_STDOUT_BYTES) {
          kill();
          fail(
            `${this.name} printed more than ${MAX_STDOUT_BYTES} bytes, which is no ExecCredential, and was stopped; check ${this.fixHint()}`,
          );
          return;
        }
        chunks.push(chunk);
      });
      // Never read: plugins write refresh tokens and whole HTTP responses there.
      child.stderr?.resume();
      child.on('error', (err) => fail(this.spawnProblem(err)));
      child.on('close', (code, signal) => {
        if (settled) return;
        if (code !== 0) {
          fail(
            `${this.name} ${signal ? `was killed by ${signal}` : `exited with code ${code}`} (its output is not shown: it can contain credentials); run it by hand as the user vigil runs as to see why (often an expired login), then fix its login or ${this.fixHint()}`,
          );
          return;
        }
        const parsed = parseExecCredential(Buffer.concat(chunks).toString('utf8'));
        if (typeof parsed === 'string') {
          fail(
            `${this.name} exited with code 0 but ${parsed} (its output is not shown: it can contain credentials); check that it prints only an ExecCredential JSON on stdout and that ${this.fixHint()} names the apiVersion it speaks`,
          );
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve(parsed);
      });
    });
  }

  private spawnProblem(err: unknown): string {
    const code = (err as NodeJS.ErrnoException).code;
    const onPath = !this.exec.command.includes('/');
    if (code === 'ENOENT') {
      return `${this.name} not found${onPath ? ' on PATH' : ''}; install it or fix users[].user.exec.command in kubeconfig ${this.opts.kubeconfig}`;
    }
    if (code === 'EACCES') {
      return `${this.name} is not executable (EACCES); make it executable (chmod +x) or fix users[].user.exec.command in kubeconfig ${this.opts.kubeconfig}`;
    }
    return `${this.name} could not be started (${code ?? 'unknown error'}); check users[].user.exec.command in kubeconfig ${this.opts.kubeconfig}`;
  }

  /** client-go's contract: the kubeconfig's `env` entries, and KUBERNETES_EXEC_INFO saying no one can answer a prompt. */
  private env(): NodeJS.ProcessEnv {
    const fromKubeconfig: NodeJS.ProcessEnv = {};
    if (Array.isArray(this.exec.env)) {
      for (const e of this.exec.env as { name?: unknown; value?: unknown }[]) {
        if (typeof e?.name === 'string' && typeof e.value === 'string') fromKubeconfig[e.name] = e.value;
      }
    }
    const apiVersion =
      typeof this.exec.apiVersion === 'string' ? this.exec.apiVersion : 'client.authentication.k8s.io/v1';
    return {
      ...(this.opts.env ?? process.env),
      ...fromKubeconfig,
      // Written for the plugin, never read by vigil.
      KUBERNETES_EXEC_INFO: JSON.stringify({
        apiVersion,
        kind: 'ExecCredential',
        spec: { interactive: false },
      }),
    };
  }
}

function stringArgs(args: unknown): string[] {
  return Array.isArray(args) ? args.map((a) => String(a)) : [];
}

/** The credential, or why the output is not one; the reason never contains the output. */
function parseExecCredential(stdout: string): { status: ExecCredentialStatus; expiresAt?: number } | string {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return stdout.trim() === ''
      ? 'printed nothing on stdout'
      : 'printed something that is not JSON on stdout';
  }
  const status = (doc as { status?: unknown } | null)?.status;
  if (!status || typeof status !== 'object') return 'printed JSON without an ExecCredential status';
  const s = status as Record<string, unknown>;
  const str = (k: string) => (typeof s[k] === 'string' && s[k] !== '' ? (s[k] as string) : undefined);
  const token = str('token');
  const cert = str('clientCertificateData');
  const key = str('clientKeyData');
  if (!token && !(cert && key)) {
    return 'printed an ExecCredential with neither status.token nor status.clientCertificateData and clientKeyData';
  }
  const expiry = str('expirationTimestamp');
  const expiresAt = expiry !== undefined ? Date.parse(expiry) : undefined;
  return {
    status: {
      ...(token ? { token } : {}),
      ...(cert && key ? { clientCertificateData: cert, clientKeyData: key } : {}),
    },
    ...(expiresAt !== undefined && !Number.isNaN(expiresAt) ? { expiresAt } : {}),
  };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
