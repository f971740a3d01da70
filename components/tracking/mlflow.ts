// A small client of MLflow's tracking REST API (2.0) over Node's fetch: experiments, runs, log-batch, tags,
// status, and artifacts through the server's `mlflow-artifacts` proxy. Every response is parsed by zod.
import { z } from 'zod';

/** One key/value of a run's params or tags. */
export interface KeyValue {
  key: string;
  value: string;
}

/** One metric point; `timestamp` in Unix ms. */
export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

const KeyValueSchema = z.object({ key: z.string(), value: z.string().default('') });
const MetricSchema = z.object({
  key: z.string(),
  value: z.number(),
  timestamp: z.coerce.number(),
  step: z.coerce.number().default(0),
});

const RunInfo = z.object({
  run_id: z.string().min(1),
  experiment_id: z.string(),
  status: z.string().optional(),
  start_time: z.coerce.number().optional(),
  end_time: z.coerce.number().optional(),
  artifact_uri: z.string().optional(),
  run_name: z.string().optional(),
});

export const MlflowRunSchema = z.object({
  info: RunInfo,
  data: z
    .object({
      metrics: z.array(MetricSchema).default([]),
      params: z.array(KeyValueSchema).default([]),
      tags: z.array(KeyValueSchema).default([]),
    })
    .default({ metrics: [], params: [], tags: [] }),
});
export type MlflowRun = z.infer<typeof MlflowRunSchema>;

const Experiment = z.object({
  experiment_id: z.string(),
  name: z.string(),
  lifecycle_stage: z.string().optional(),
  artifact_location: z.string().optional(),
});
const GetExperimentResponse = z.object({ experiment: Experiment });
const CreateExperimentResponse = z.object({ experiment_id: z.string().min(1) });
const RunResponse = z.object({ run: MlflowRunSchema });
const SearchResponse = z.object({
  runs: z.array(MlflowRunSchema).default([]),
  next_page_token: z.string().optional(),
});
const MetricHistoryResponse = z.object({
  metrics: z.array(MetricSchema).default([]),
  next_page_token: z.string().optional(),
});
const EmptyResponse = z.object({}).loose();
const ErrorResponse = z.object({ error_code: z.string(), message: z.string().default('') });

/** An answer of the server that is not a success; `code` is MLflow's error code when it gave one. */
export class MlflowError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'MlflowError';
  }
}

export interface MlflowClientOptions {
  /** Base URL of the tracking server, e.g. http://127.0.0.1:5000. */
  uri: string;
  /** Per-request timeout (ms). Default 60000: a log-batch of 1,000 metrics can take tens of seconds on a busy SQLite-backed server. */
  timeoutMs?: number;
  /** Authorization: a bearer token, or a user and password (MLflow's own env variables). Default: from the environment. */
  auth?: { token?: string; username?: string; password?: string };
  /** Attempts for answers that may pass (HTTP 429 and 5xx). Default 3. */
  attempts?: number;
}

/** Credentials from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/_PASSWORD, as MLflow's own clients read them. */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): MlflowClientOptions['auth'] {
  return {
    token: env.MLFLOW_TRACKING_TOKEN,
    username: env.MLFLOW_TRACKING_USERNAME,
    password: env.MLFLOW_TRACKING_PASSWORD,
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MlflowClient {
  readonly base: string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly authorization: string | undefined;

  constructor(options: MlflowClientOptions) {
    this.base = options.uri.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60000;
    this.attempts = options.attempts ?? 3;
    const auth = options.auth ?? authFromEnv();
    this.authorization =
      auth?.token !== undefined && auth.token !== ''
        ? `Bearer ${auth.token}`
        : auth?.username !== undefined && auth.username !== ''
          ? `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`
          : undefined;
  }

  /** One HTTP exchange; retries 429/5xx, throws MlflowError with the server's error code otherwise. */
  private async request(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: { json: unknown } | { bytes: Buffer; contentType: string },
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.authorization !== undefined) headers.Authorization = this.authorization;
    let payload: string | Buffer | undefined;
    if (body !== undefined && 'json' in body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body !== undefined) {
      headers['Content-Type'] = body.contentType;
      payload = body.bytes;
    }
    const url = `${this.base}${path}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
        // A kept-alive connection the server closed meanwhile is worth another try; a refused one is not.
        const code =
          err instanceof Error && err.cause instanceof Error && 'code' in err.cause
            ? String(err.cause.code)
            : '';
        const timedOut = err instanceof Error && err.name === 'TimeoutError';
        if (
          !timedOut &&
          !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) &&
          attempt < this.attempts
        ) {
          await delay(200 * attempt);
          continue;
        }
        throw new MlflowError(
          `MLflow ${method} ${url}: ${err instanceof Error ? err.message : String(err)}${cause}`,
          null,
          null,
        );
      }
      if (response.ok) return response;
      const text = await response.text();
      const retriable = response.status === 429 || response.status >= 500;
      if (retriable && attempt < this.attempts) {
        await delay(500 * attempt);
        continue;
      }
      let parsed: z.infer<typeof ErrorResponse> | undefined;
      try {
        const r = ErrorResponse.safeParse(JSON.parse(text));
        parsed = r.success ? r.data : undefined;
      } catch {
        parsed = undefined;
      }
      throw new MlflowError(
        `MLflow ${method} ${path}: HTTP ${response.status}${parsed !== undefined ? ` ${parsed.error_code}: ${parsed.message}` : ` ${text.slice(0, 200)}`}`,
        response.status,
        parsed?.error_code ?? null,
      );
    }
  }

  private async json<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.request(method, path, body === undefined ? undefined : { json: body });
    const text = await response.text();
    const parsed = schema.safeParse(text.trim() === '' ? {} : JSON.parse(text));
    if (!parsed.success) {
      throw new MlflowError(
        `MLflow ${method} ${path}: unexpected answer (${parsed.error.issues
          .slice(0, 2)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')})`,
        response.status,
        null,
      );
    }
    return parsed.data;
  }

  /** The server answers its health check. */
  async health(): Promise<boolean> {
    try {
      const response = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(this.timeoutMs) });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** The id of the named experiment, created when missing (a concurrent create is tolerated). */
  async ensureExperiment(name: string): Promise<string> {
    const existing = await this.getExperimentByName(name);
    if (existing !== undefined) return existing;
    try {
      const created = await this.json(
        CreateExperimentResponse,
        'POST',
        '/api/2.0/mlflow/experiments/create',
        {
          name,
        },
      );
      return created.experiment_id;
    } catch (err) {
      if (err instanceof MlflowError && err.code === 'RESOURCE_ALREADY_EXISTS') {
        const id = await this.getExperimentByName(name);
        if (id !== undefined) return id;
      }
      throw err;
    }
  }

  private async getExperimentByName(name: string): Promise<string | undefined> {
    try {
      const r = await this.json(
        GetExperimentResponse,
        'GET',
        `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
      );
      if (r.experiment.lifecycle_stage === 'deleted') {
        throw new MlflowError(
          `MLflow experiment "${name}" is deleted; restore it (mlflow experiments restore) or choose another tracking.experiment`,
          null,
          null,
        );
      }
      return r.experiment.experiment_id;
    } catch (err) {
      if (err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw err;
    }
  }

  async createRun(args: {
    experimentId: string;
    runName: string;
    startTime: number;
    tags: KeyValue[];
  }): Promise<MlflowRun> {
    const r = await this.json(RunResponse, 'POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: args.experimentId,
      run_name: args.runName,
      start_time: args.startTime,
      tags: args.tags,
    });
    return r.run;
  }

  async getRun(runId: string): Promise<MlflowRun> {
    const r = await this.json(
      RunResponse,
      'GET',
      `/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`,
    );
    return r.run;
  }

  /** Every active run of the experiments matching `filter` (MLflow's search syntax), all pages. */
  async searchRuns(experimentIds: string[], filter: string): Promise<MlflowRun[]> {
    const runs: MlflowRun[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.json(SearchResponse, 'POST', '/api/2.0/mlflow/runs/search', {
        experiment_ids: experimentIds,
        filter,
        max_results: 1000,
        run_view_type: 'ACTIVE_ONLY',
        ...(pageToken !== undefined ? { page_token: pageToken } : {}),
      });
      runs.push(...r.runs);
      pageToken = r.next_page_token !== undefined && r.next_page_token !== '' ? r.next_page_token : undefined;
    } while (pageToken !== undefined);
    return runs;
  }

  async logBatch(
    runId: string,
    batch: { metrics: MetricPoint[]; params: KeyValue[]; tags: KeyValue[] },
  ): Promise<void> {
    await this.json(EmptyResponse, 'POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, ...batch });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.json(EmptyResponse, 'POST', '/api/2.0/mlflow/runs/set-tag', { run_id: runId, key, value });
  }

  async updateRun(runId: string, status: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED', endTime?: number) {
    await this.json(EmptyResponse, 'POST', '/api/2.0/mlflow/runs/update', {
      run_id: runId,
      status,
      ...(endTime !== undefined ? { end_time: endTime } : {}),
    });
  }

  async metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const r = await this.json(
      MetricHistoryResponse,
      'GET',
      `/api/2.0/mlflow/metrics/get-history?run_id=${encodeURIComponent(runId)}&metric_key=${encodeURIComponent(key)}&max_results=25000`,
    );
    return r.metrics;
  }

  /** Uploads one file into a run's artifacts (run's artifact_uri must be served: `mlflow-artifacts:`). */
  async uploadArtifact(run: MlflowRun, relativePath: string, bytes: Buffer, contentType: string) {
    await this.request('PUT', artifactUrlPath(run, relativePath), { bytes, contentType });
  }

  async downloadArtifact(run: MlflowRun, relativePath: string): Promise<Buffer> {
    const response = await this.request('GET', artifactUrlPath(run, relativePath));
    return Buffer.from(await response.arrayBuffer());
  }
}

/**
 * `/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<file>` from the run's artifact URI
 * (`mlflow-artifacts:/1/abc/artifacts` or `mlflow-artifacts://host:port/1/abc/artifacts`).
 */
export function artifactUrlPath(run: MlflowRun, relativePath: string): string {
  const uri = run.info.artifact_uri ?? '';
  const m = /^mlflow-artifacts:(?:\/\/[^/]+)?\/*(.*)$/.exec(uri);
  if (m === null) {
    throw new MlflowError(
      `run ${run.info.run_id}: artifact URI "${uri}" is not served by the tracking server (start it with --serve-artifacts)`,
      null,
      'ARTIFACTS_NOT_SERVED',
    );
  }
  const root = (m[1] ?? '').replace(/\/+$/, '');
  const encoded = [...root.split('/'), ...relativePath.split('/')]
    .filter((part) => part !== '')
    .map(encodeURIComponent)
    .join('/');
  return `/api/2.0/mlflow-artifacts/artifacts/${encoded}`;
}
