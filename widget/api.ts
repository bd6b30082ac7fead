import type { ApiErrorBody, PostResponse, ThreadResponse } from './types';

/** A failed API call, carrying the contract's error shape when the server sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Api {
  thread(page: string, ownerTokens: string[], opts: { cursor?: string; sort?: string; around?: string }): Promise<ThreadResponse>;
  formToken(): Promise<string | undefined>;
  post(body: Record<string, unknown>, ownerTokens: string[]): Promise<PostResponse>;
  /** The author's own comment, proven by its owner token. */
  edit(id: string, body: string, ownerToken: string): Promise<PostResponse>;
  remove(id: string, ownerToken: string): Promise<unknown>;
}

export const PAGE_SIZE = 20;

export function createApi(base: string, site: string): Api {
  const root = `${base}/api/v1/sites/${encodeURIComponent(site)}`;
  const ownerHeader = (tokens: string[]): Record<string, string> =>
    tokens.length ? { 'X-Parley-Owner': tokens.join(',') } : {};

  async function call<T>(url: string, init: RequestInit): Promise<T> {
    const res = await fetch(url, { credentials: 'omit', ...init });
    if (res.status === 204) return null as T;
    const data = (await res.json().catch(() => null)) as (T & Partial<ApiErrorBody>) | null;
    if (!res.ok || !data) {
      const e = data?.error;
      throw new ApiError(res.status, e?.code ?? 'network', e?.message ?? res.statusText, e?.fields);
    }
    return data;
  }

  return {
    thread(page, tokens, opts) {
      const q = new URLSearchParams({ page, limit: String(PAGE_SIZE) });
      for (const [k, v] of Object.entries(opts)) if (v) q.set(k, v);
      return call(`${root}/comments?${q}`, { headers: ownerHeader(tokens) });
    },
    async formToken() {
      // Optional endpoint: a server without it (404) or any failure means posting without one.
      try {
        return (await call<{ formToken?: string }>(`${root}/form-token`, {})).formToken;
      } catch {
        return undefined;
      }
    },
    post(body, tokens) {
      return call(`${root}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...ownerHeader(tokens) },
        body: JSON.stringify(body),
      });
    },
    edit(id, body, token) {
      return call(`${root}/comments/${id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', ...ownerHeader([token]) },
        body: JSON.stringify({ body }),
      });
    },
    remove(id, token) {
      return call(`${root}/comments/${id}`, { method: 'DELETE', headers: ownerHeader([token]) });
    },
  };
}
