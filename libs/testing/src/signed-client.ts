import { signedHeaders } from '@sinergi/auth';

export interface SignedResponse {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: any;
}

/** POSTs a body signed as a procurement client would (docs/api.md). `raw` sends a string exactly as given. */
export async function signedPost(
  baseUrl: string,
  path: string,
  client: { id: string; secret: string },
  body: unknown,
  options: { raw?: string; now?: Date; headers?: Record<string, string> } = {},
): Promise<SignedResponse> {
  const text = options.raw ?? JSON.stringify(body);
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(client.id, client.secret, text, options.now), ...options.headers },
    body: text,
  });
  const raw = await res.text();
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    /* keep the text */
  }
  return { status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, body: parsed };
}
