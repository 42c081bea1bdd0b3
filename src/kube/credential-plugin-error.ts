import { VigilError } from '../domain/vigil-error.js';

/**
 * A kubeconfig credential plugin (`users[].user.exec`) that gave no credentials. The message names the
 * plugin's command, what went wrong (not found, exit code, timeout, unusable output) and the fix, and
 * never anything the plugin printed: plugins print tokens, and their errors quote refresh tokens.
 * It deliberately carries no `cause`, so no serializer can reach the plugin's output either.
 */
export class CredentialPluginError extends VigilError {
  constructor(message: string, options: { retryable?: boolean } = {}) {
    super('kube-credential-plugin', message, options);
    this.name = 'CredentialPluginError';
  }
}
