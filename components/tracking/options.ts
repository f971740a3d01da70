// The `schedbench:tracking` config section: where each run's RunResult is tracked (MLflow). Absent: no tracking.
// Also the rules every tracking URI obeys, wherever it comes from (stack file, --tracking-uri, MLFLOW_TRACKING_URI):
// http(s) only, no credentials in it, and credentials never sent in clear to another machine.
import { z } from 'zod';

/** Default MLflow experiment of a stack's runs. */
export const DEFAULT_EXPERIMENT = 'schedbench';

/** `http(s)://host[:port][/path]`: no user:password@ (credentials come from the environment), no query. */
const HTTP_URL = /^https?:\/\/[^\s/?#@]+(?:\/[^\s?#]*)?$/;
const URI_RULE =
  'must be an http:// or https:// URL without credentials (user:password@) or query, e.g. http://127.0.0.1:5000';

export const TrackingOptions = z.strictObject({
  /** The MLflow tracking server (REST API; artifacts through its `--serve-artifacts` proxy). */
  mlflow: z.strictObject({
    /** Base URL of the server, e.g. `http://mlflow.example.org:5000` (credentials: MLFLOW_TRACKING_TOKEN or _USERNAME/_PASSWORD in the environment, never here). */
    uri: z.string().regex(HTTP_URL, { message: URI_RULE }),
  }),
  /** MLflow experiment the runs go to, created when missing. Default `schedbench`. */
  experiment: z.string().trim().min(1).max(500).default(DEFAULT_EXPERIMENT),
});
export type TrackingOptions = z.infer<typeof TrackingOptions>;

/** A tracking URI from the command line or the environment, checked as the config checks it. */
export function checkTrackingUri(uri: string, source: string): string {
  if (!HTTP_URL.test(uri)) throw new Error(`${source}: ${URI_RULE}`);
  return uri;
}

/** Whether a URL's host is this machine (localhost, 127.0.0.0/8, ::1): plain http does not leave it. */
export function isLoopback(uri: string): boolean {
  let host: string;
  try {
    host = new URL(uri).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Why credentials must not go to `uri`, or undefined: over plain http they would cross the network in clear, so
 * they are sent only over https or to this machine.
 */
export function credentialsRefusal(uri: string): string | undefined {
  if (!uri.toLowerCase().startsWith('http://') || isLoopback(uri)) return undefined;
  return `refusing to send MLflow credentials (MLFLOW_TRACKING_TOKEN or _USERNAME/_PASSWORD) over plain http to ${new URL(uri).host}: use https:// (or a tunnel to 127.0.0.1)`;
}
