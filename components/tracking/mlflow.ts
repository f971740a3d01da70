// A small client of MLflow's tracking REST API (2.0) over Node's fetch: experiments, runs, log-batch, tags,
// status, and artifacts through the server's `mlflow-artifacts` proxy. Every response is parsed by zod. Bounded: each
// answer's size, the pages a search follows, each request's wait and the time budget of the whole `up`; after one
// unanswered request nothing waits again. Credentials go only over https or to this machine, never in a redirect.
import { z } from 'zod';
import { checkTrackingUri, credentialsRefusal } from './options';

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
/** MLflow's error answer; a code that is not one of MLflow's (upper case) is not taken as one. */
const ErrorResponse = z.object({
  error_code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
  message: z.string().default(''),
});

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

/** Defaults of the client's bounds. */
export const CLIENT_LIMITS = {
  /** Per request (ms): a log-batch of 1,000 metrics can take tens of seconds on a busy SQLite-backed server. */
  timeoutMs: 60_000,
  /** Largest API answer read (bytes): a page of runs with a thousand metrics each is a few MiB. */
  maxBodyBytes: 16 * 1024 * 1024,
  /** Largest artifact downloaded (bytes). */
  maxArtifactBytes: 64 * 1024 * 1024,
  /** Most pages one search follows: schedbench searches by run key, which matches one run. */
  maxPages: 10,
} as const;

export interface MlflowClientOptions {
  /** Base URL of the tracking server, e.g. http://127.0.0.1:5000 (no credentials in it). */
  uri: string;
  /** Per-request timeout (ms). Default 60000. */
  timeoutMs?: number;
  /** Authorization: a bearer token, or a user and password (MLflow's own env variables). Default: from the environment. */
  auth?: { token?: string; username?: string; password?: string };
  /** Attempts for answers that may pass (HTTP 429 and 5xx). Default 3. */
  attempts?: number;
  /** Largest answer read (bytes); a larger one is an error. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Most pages one search follows. Default 10. */
  maxPages?: number;
  /** Epoch ms after which no request starts or waits: the time budget of the whole `up` (or `track`). Default none. */
  deadline?: number;
  /** Set when a request already went unanswered (in an earlier command of the same `up`): nothing is tried. */
  unanswered?: string;
  /** Told the first time a request goes unanswered (it timed out), so later commands can skip the wait. */
  onUnanswered?: (reason: string) => void;
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

/**
 * Text that came from the server (or the network), fit for a log line and a queue file: control and
 * direction-changing characters become spaces, credentials are masked, at most `max` characters.
 */
export function serverText(text: string, secrets: readonly string[] = [], max = 300): string {
  let clean = text
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** An error's field, duck-typed: fetch's errors may come from another realm (a vm context, jest). */
const field = (err: unknown, name: 'name' | 'message' | 'code' | 'cause'): unknown =>
  typeof err === 'object' && err !== null && name in err ? (err as Record<string, unknown>)[name] : undefined;

const isTimeout = (err: unknown) =>
  field(err, 'name') === 'TimeoutError' || field(field(err, 'cause'), 'name') === 'TimeoutError';

/** Reads a body up to `limit` bytes; a larger one (declared or streamed) is cut off and refused. */
async function readBounded(response: Response, limit: number, what: string): Promise<Buffer> {
  const tooLarge = () =>
    new MlflowError(
      `${what}: answer larger than ${limit} bytes; not read`,
      response.status,
      'ANSWER_TOO_LARGE',
    );
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}

export class MlflowClient {
  readonly base: string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly maxBodyBytes: number;
  private readonly maxPages: number;
  private readonly deadline: number;
  private readonly authorization: string | undefined;
  /** Credentials, masked wherever server text is shown. */
  private readonly secrets: string[];
  /** Why credentials may not be sent to this server (plain http to another machine). */
  private readonly credentialsRefused: string | undefined;
  private readonly onUnanswered: ((reason: string) => void) | undefined;
  /** Set once a request went unanswered: no later request waits again. */
  private unanswered: string | undefined;

  constructor(options: MlflowClientOptions) {
    this.base = checkTrackingUri(options.uri, 'MLflow tracking URI').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? CLIENT_LIMITS.timeoutMs;
    this.attempts = options.attempts ?? 3;
    this.maxBodyBytes = options.maxBodyBytes ?? CLIENT_LIMITS.maxBodyBytes;
    this.maxPages = options.maxPages ?? CLIENT_LIMITS.maxPages;
    this.deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    this.unanswered = options.unanswered;
    this.onUnanswered = options.onUnanswered;
    const auth = options.auth ?? authFromEnv();
    this.authorization =
      auth?.token !== undefined && auth.token !== ''
        ? `Bearer ${auth.token}`
        : auth?.username !== undefined && auth.username !== ''
          ? `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`
          : undefined;
    this.secrets = [auth?.token, auth?.password, this.authorization].filter(
      (s): s is string => s !== undefined && s !== '',
    );
    this.credentialsRefused = this.authorization === undefined ? undefined : credentialsRefusal(this.base);
  }

  /** Throws, without trying, when nothing may be sent: credentials in clear, an unanswered server, no time left. */
  private mayTry(method: string, path: string): number {
    if (this.credentialsRefused !== undefined)
      throw new MlflowError(this.credentialsRefused, null, 'CREDENTIALS_IN_CLEAR');
    if (this.unanswered !== undefined)
      throw new MlflowError(`MLflow ${method} ${path}: not tried, ${this.unanswered}`, null, 'NOT_TRIED');
    const left = this.deadline - Date.now();
    if (left <= 0)
      throw new MlflowError(
        `MLflow ${method} ${path}: not tried, the time budget of tracking is spent`,
        null,
        'NOT_TRIED',
      );
    return Math.min(this.timeoutMs, left);
  }

  private noAnswer(method: string, path: string, waitedMs: number): MlflowError {
    const reason = `the server at ${this.base} did not answer ${method} ${path} within ${(waitedMs / 1000).toFixed(0)} s`;
    const first = this.unanswered === undefined;
    this.unanswered = reason;
    if (first) this.onUnanswered?.(reason);
    return new MlflowError(
      `MLflow ${method} ${path}: no answer within ${(waitedMs / 1000).toFixed(0)} s`,
      null,
      'UNANSWERED',
    );
  }

  /** One HTTP exchange, its answer read whole (up to `limit` bytes); retries 429/5xx, throws MlflowError otherwise. */
  private async request(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: { json: unknown } | { bytes: Buffer; contentType: string },
    limit = this.maxBodyBytes,
  ): Promise<{ status: number; bytes: Buffer }> {
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
      const waitMs = this.mayTry(method, path);
      let response: Response;
      let bytes: Buffer;
      try {
        // No redirects: credentials go to the configured server and nowhere else.
        response = await fetch(url, {
          method,
          headers,
          body: payload,
          redirect: 'error',
          signal: AbortSignal.timeout(waitMs),
        });
        bytes = await readBounded(response, limit, `MLflow ${method} ${path}`);
      } catch (err) {
        if (err instanceof MlflowError) throw err;
        if (isTimeout(err)) throw this.noAnswer(method, path, waitMs);
        const causeMessage = field(field(err, 'cause'), 'message');
        const cause = typeof causeMessage === 'string' ? `: ${causeMessage}` : '';
        // A kept-alive connection the server closed meanwhile is worth another try; a refused one is not.
        const code = String(field(field(err, 'cause'), 'code') ?? '');
        const message = field(err, 'message');
        if (!['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) && attempt < this.attempts) {
          await delay(200 * attempt);
          continue;
        }
        throw new MlflowError(
          `MLflow ${method} ${url}: ${serverText(`${typeof message === 'string' ? message : String(err)}${cause}`, this.secrets)}`,
          null,
          null,
        );
      }
      if (response.ok) return { status: response.status, bytes };
      const retriable = response.status === 429 || response.status >= 500;
      if (retriable && attempt < this.attempts) {
        await delay(500 * attempt);
        continue;
      }
      let parsed: z.infer<typeof ErrorResponse> | undefined;
      try {
        const r = ErrorResponse.safeParse(JSON.parse(bytes.toString('utf8')));
        parsed = r.success ? r.data : undefined;
      } catch {
        parsed = undefined;
      }
      // The server's own words only as MLflow's error message, cleaned; any other body is described, never shown.
      const what =
        parsed !== undefined
          ? `${parsed.error_code}: ${serverText(parsed.message, this.secrets)}`
          : `(${serverText(response.headers.get('content-type') ?? 'no content type', this.secrets, 60)}, ${bytes.length} bytes; not an MLflow error answer)`;
      throw new MlflowError(
        `MLflow ${method} ${path}: HTTP ${response.status} ${what}`,
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
    const text = response.bytes.toString('utf8');
    let value: unknown;
    try {
      value = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new MlflowError(
        `MLflow ${method} ${path}: the answer is not JSON (${response.bytes.length} bytes)`,
        response.status,
        null,
      );
    }
    const parsed = schema.safeParse(value);
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
      await this.request('GET', '/health');
      return true;
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

  /** Every active run of the experiments matching `filter` (MLflow's search syntax), at most `maxPages` pages. */
  async searchRuns(experimentIds: string[], filter: string): Promise<MlflowRun[]> {
    const runs: MlflowRun[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 1; ; page++) {
      const r = await this.json(SearchResponse, 'POST', '/api/2.0/mlflow/runs/search', {
        experiment_ids: experimentIds,
        filter,
        max_results: 1000,
        run_view_type: 'ACTIVE_ONLY',
        ...(pageToken !== undefined ? { page_token: pageToken } : {}),
      });
      runs.push(...r.runs);
      pageToken = r.next_page_token !== undefined && r.next_page_token !== '' ? r.next_page_token : undefined;
      if (pageToken === undefined) return runs;
      if (seen.has(pageToken))
        throw new MlflowError(
          'MLflow runs/search: the server sent the same page token twice',
          null,
          'TOO_MANY_PAGES',
        );
      seen.add(pageToken);
      if (page >= this.maxPages)
        throw new MlflowError(
          `MLflow runs/search: more than ${this.maxPages} pages for one search; not followed further`,
          null,
          'TOO_MANY_PAGES',
        );
    }
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
    const path = artifactUrlPath(run, relativePath);
    return (await this.request('GET', path, undefined, CLIENT_LIMITS.maxArtifactBytes)).bytes;
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
