/**
 * Calls to the service from the console: same origin, the session cookie, and the CSRF token on
 * every state change (the server refuses a change without it). A 401 means the session ended:
 * reloading shows the sign-in page.
 */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure({ status: 0, code: 'network', message: '' });
  }
  if (res.status === 401) {
    location.reload();
    throw new ApiFailure({ status: 401, code: 'unauthorized', message: 'Signed out.' });
  }
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: Partial<ApiError> } | null)?.error ?? {};
    throw new ApiFailure({ status: res.status, code: e.code ?? 'internal', message: e.message ?? `HTTP ${res.status}`, fields: e.fields });
  }
  return json as T;
}

export const enc = encodeURIComponent;

export interface ModComment {
  id: string;
  parentId: string | null;
  name: string;
  website: string | null;
  html: string;
  body: string;
  createdAt: string;
  status: 'pending' | 'approved' | 'rejected' | 'spam' | 'deleted';
  email: string;
  site: string;
  page: string;
  pageUrl: string | null;
  pageTitle: string | null;
  ip: string | null;
  userAgent: string | null;
  reasons: string[];
  spamScore?: number | null;
  moderatedAt: string | null;
  moderatedBy: { id: string; name: string } | null;
  parent?: { id: string; name: string; html: string } | null;
  replies?: ModComment[];
}

export interface Me {
  moderator: { id: string; name: string };
  sites: { id: string; name: string; role: 'moderator' | 'admin' }[];
  csrfToken: string | null;
}
