/** The public HTTP API as the UI calls it: same origin, the session cookie set at login, errors as ApiError. */

/** An error answer of the API: `{ error: { code, message, field? } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; field?: string } };
    if (body.error)
      return new ApiError(
        res.status,
        body.error.code ?? 'error',
        body.error.message ?? res.statusText,
        body.error.field,
      );
  } catch {
    // Not JSON (a proxy's error page): fall through to the status line.
  }
  return new ApiError(res.status, 'http_error', `${res.status} ${res.statusText}`);
}

/** Listeners told when the session ends (401), so the app can show the sign-in page. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** Calls the API with JSON in and out. */
export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    credentials: 'same-origin',
    headers:
      options.body === undefined
        ? { accept: 'application/json' }
        : { 'content-type': 'application/json', accept: 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!res.ok) {
    const error = await toApiError(res);
    if (res.status === 401 && !path.startsWith('/api/auth/login')) unauthenticatedListeners.forEach((l) => l());
    throw error;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Uploads multipart form data with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload could not reach the server'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as T);
      } else {
        const e = (body as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
        reject(
          new ApiError(xhr.status, e?.code ?? 'http_error', e?.message ?? `${xhr.status} ${xhr.statusText}`, e?.field),
        );
      }
    };
    xhr.send(form);
  });
}

/** A task as `GET /api/tasks` returns it. */
export interface Task {
  id: string;
  workflowId: string;
  step: string;
  kind: string;
  title: string;
  role: string;
  caseType: string;
  caseId: string;
  customerId: string | null;
  status: 'open' | 'completed' | 'cancelled';
  payload: Record<string, unknown>;
  dueAt: string | null;
  remindAt: string | null;
  escalateAt: string | null;
  remindedAt: string | null;
  escalatedAt: string | null;
  overdue: boolean;
  decision: string | null;
  data: Record<string, unknown> | null;
  completedBy: string | null;
  completedAt: string | null;
  createdAt: string;
  /** Joined in by the list (`GET /api/tasks`). */
  caseReference?: string | null;
  customerName?: string | null;
  amountFen?: number | null;
  assigneeId?: string | null;
  assigneeName?: string | null;
  /** A customer's view has these instead of the staff clocks: their own deadline to answer, and when they did. */
  answerBy?: string | null;
  answeredAt?: string | null;
}

/** A task kind with its decisions and the JSON Schema of its data. */
export interface TaskKind {
  kind: string;
  description: string;
  decisions: string[];
  dataSchema: Record<string, unknown>;
}

/** The signed-in user. */
export interface User {
  id: string;
  email: string;
  displayName: string;
  role: string;
  customerId: string | null;
}

/** Where the case page of a task's case lives in the UI. */
export function casePath(caseType: string, caseId: string): string {
  const type = caseType.toLowerCase();
  if (type.startsWith('quote')) return `/quotes/${caseId}`;
  if (type.startsWith('order') || type.startsWith('lot') || type.startsWith('production')) return `/orders/${caseId}`;
  if (type.startsWith('rma')) return `/rmas/${caseId}`;
  if (type.startsWith('customer')) return `/customers/${caseId}`;
  return `/cases/${encodeURIComponent(caseType)}/${caseId}`;
}
