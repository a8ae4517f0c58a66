/** Framework-free request/response used by every emulator handler (and by $batch for inner requests). */
import type { Principal } from '../context.js';
import type { ResourcePath } from './resource-path.js';

export interface EmuRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  readonly path: ResourcePath;
  /** Raw query string parameters, decoded, case-sensitive names (OData option names are case-sensitive). */
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  readonly principal: Principal;
  /** `http://host:port/api/data/v9.2/` exactly as the client addressed us: links are built from it. */
  readonly baseUrl: string;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are (set content-type in headers). */
  body?: unknown;
  /** What the request cost the server (rows served or written, columns selected), for the cost model. */
  work?: RequestWork;
}

export interface RequestWork {
  readonly rows: number;
  readonly columns: number;
}
