/**
 * The two time columns of `kubeadm certs check-expiration`: the expiry in Go's layout
 * `Jan 02, 2006 15:04 MST` (certificate times are UTC) and the residual time as Kubernetes'
 * `ShortHumanDuration` of the whole seconds left.
 */
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** `Jan 02, 2027 15:04 UTC`. */
export function formatKubeadmExpires(at: Date): string {
  return (
    `${months[at.getUTCMonth()]} ${two(at.getUTCDate())}, ${at.getUTCFullYear()} ` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`
  );
}

/**
 * `364d`, `9y`, `5h`; `<invalid>` once expired. kubeadm truncates to whole seconds first, and tolerates
 * one second of clock skew (`0s`) before calling a certificate invalid. Years are 365 days.
 */
export function formatResidualTime(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(seconds / 3600 / 24 / 365)}y`;
}
