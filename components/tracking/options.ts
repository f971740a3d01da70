// The `schedbench:tracking` config section: where each run's RunResult is tracked (MLflow). Absent: no tracking.
import { z } from 'zod';

/** Default MLflow experiment of a stack's runs. */
export const DEFAULT_EXPERIMENT = 'schedbench';

const HTTP_URL = /^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/;

export const TrackingOptions = z.strictObject({
  /** The MLflow tracking server (REST API; artifacts through its `--serve-artifacts` proxy). */
  mlflow: z.strictObject({
    /** Base URL of the server, e.g. `http://mlflow.example.org:5000` (credentials: MLFLOW_TRACKING_TOKEN or _USERNAME/_PASSWORD in the environment, never here). */
    uri: z.string().regex(HTTP_URL, {
      message: 'must be an http:// or https:// URL without query, e.g. http://127.0.0.1:5000',
    }),
  }),
  /** MLflow experiment the runs go to, created when missing. Default `schedbench`. */
  experiment: z.string().trim().min(1).max(500).default(DEFAULT_EXPERIMENT),
});
export type TrackingOptions = z.infer<typeof TrackingOptions>;
