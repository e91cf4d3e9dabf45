import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One field-level problem: `path` is a JSON path (`officers[3].hireDate`) or `line 12: hireDate`. */
export interface FieldError {
  path: string;
  message: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/**
 * The one error type of the service. Service verbs throw it; the app's `onError` turns it into an
 * RFC 9457 problem+json body: `{ type, title, status, detail, code, errors? }`.
 */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly errors?: FieldError[];
  /** Response headers the refusal needs (`Retry-After` on a 429). */
  readonly headers?: Record<string, string>;
  /**
   * Which catalogue sentence says this refusal to a person (`problem.<key>`, the code when not
   * set) and the values it names: the app renders `detail` from them in the request's language
   * (pages/problems.ts, ADR 0082). The English `detail` given here is the fallback.
   */
  textKey?: string;
  params?: ProblemParams;
  /** Set by a page that wrote `detail` in its own words and language: shown as it is. */
  spoken?: boolean;

  constructor(status: ContentfulStatusCode, code: string, detail: string, errors?: FieldError[], headers?: Record<string, string>) {
    super(status, { message: detail });
    this.code = code;
    this.errors = errors;
    this.headers = headers;
  }

  /** Names the catalogue sentence for this refusal and its values: `throw forbidden('...').say('appeal_grader')`. */
  say(key: string, params?: ProblemParams): this {
    this.textKey = key;
    if (params) this.params = params;
    return this;
  }

  problem(instance?: string): Problem {
    return problem(this.status, this.code, this.message, this.errors, instance);
  }
}

export type ProblemParams = Record<string, string | number>;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
  instance?: string,
): Problem {
  return {
    type: `https://errors.tax-grading.invalid/${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(errors && errors.length ? { errors } : {}),
  };
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ApiError(400, 'validation_failed', detail, errors);
export const unauthorized = (detail = 'A valid bearer token is required.') =>
  new ApiError(401, 'unauthorized', detail);
export const forbidden = (detail: string) => new ApiError(403, 'forbidden', detail);
export const notFound = (detail: string) => new ApiError(404, 'not_found', detail);
export const conflict = (detail: string, code = 'conflict') => new ApiError(409, code, detail);
