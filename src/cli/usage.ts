import { listedChecks } from '../checks/check-names.js';

/** `vigil --help`: the commands and their options; the checks it names come from the registry. */
export const usage = `vigil: Kubernetes ${listedChecks('one')} alerts for Slack and Teams

Usage:
  vigil check [--config FILE] [--cluster NAME]... [--only CHECK]... [--output table|json] [--problems-only]
  vigil check --host-root DIR [--config FILE] [--cluster NAME] [--output table|json]
                               this node's certificate files under DIR (/ on the node), listed as
                               \`kubeadm certs check-expiration\` lists them, plus kubelet, k3s and RKE2:
                               the host-certificates check only (no API, no kubeconfig needed)
  vigil demo  [--port PORT]    the whole bot on simulated clusters, with a local web chat, until Ctrl-C
  vigil demo  --once [--only CHECK]... [--output table|json] [--problems-only]
                               one \`vigil check\` of the simulated clusters (--output json implies --once)
  vigil serve [--config FILE]  the bot: scheduled checks, alerts and commands in Slack, Teams or the web chat
  vigil agent [--once] [--host-root DIR]
                               on each node: reports its certificate files to the Redis of vigil serve
                               (VIGIL_CLUSTER, NODE_NAME, REDIS_URL; the host root defaults to
                               VIGIL_HOST_ROOT, else /host)
  vigil teams conversations    the Teams conversations vigil knows, with the aliases routes use
  vigil --version              the version of vigil; --help (any command) prints this text

Exit status of check: 0 all ok, 1 worst is warning, 2 worst is critical, 3 unknown or error.
Config: vigil.yaml in the current directory unless --config is given (README.md "Configuration").`;
