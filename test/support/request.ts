/** The options of TestApp.call and of the Workers suite's call: a bearer token and a JSON body. */
export type CallOpts<B = BodyInit> = { token?: string; json?: unknown; body?: B; headers?: Record<string, string> };

/** Request init for a call: `token` becomes `Authorization: Bearer`; `json` is serialised with its content type. */
export function callInit<B = BodyInit>(method: string, o: CallOpts<B> = {}): { method: string; headers: Record<string, string>; body: B | string | undefined } {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: B | string | undefined = o.body;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  }
  return { method, headers, body };
}
