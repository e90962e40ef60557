import type { SwaggerCustomOptions } from '@nestjs/swagger';

/**
 * The /docs page signs procurement requests itself, so ingest can be tried there: in "Authorize", give the client id
 * as X-Client-Id, anything as X-Timestamp and the client **secret** as X-Signature; before each request the page
 * puts the current time in X-Timestamp and replaces the secret with `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * over the exact body it sends (WebCrypto: on localhost or https). A value already of the form `v1=<64 hex>` is sent
 * as it is. The secret never leaves the browser.
 *
 * Plain JavaScript for the browser, kept as text so that no compiler rewrites it: Swagger UI calls it with each
 * request and accepts the Promise it returns.
 */
export const SIGNING_INTERCEPTOR_SOURCE = `
var headers = request.headers || {};
var names = Object.keys(headers);
var signatureName = names.find(function (n) { return n.toLowerCase() === 'x-signature'; });
if (!signatureName || /^v1=[0-9a-f]{64}$/.test(String(headers[signatureName])) || !(globalThis.crypto && globalThis.crypto.subtle)) return request;
var secret = String(headers[signatureName]);
var body = request.body === undefined || request.body === null ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
var timestamp = String(Math.floor(Date.now() / 1000));
var encoder = new TextEncoder();
return globalThis.crypto.subtle
  .importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  .then(function (key) { return globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(timestamp + '.' + body)); })
  .then(function (mac) {
    names.forEach(function (n) { if (n.toLowerCase() === 'x-timestamp') delete headers[n]; });
    headers['X-Timestamp'] = timestamp;
    headers[signatureName] = 'v1=' + Array.from(new Uint8Array(mac), function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    if (typeof request.body !== 'string' && body !== '') request.body = body;
    request.headers = headers;
    return request;
  });
`;

/** Swagger UI calls this with each "Try it out" request; `new Function` keeps the source exactly as written above. */
export const signingRequestInterceptor = new Function('request', SIGNING_INTERCEPTOR_SOURCE) as (request: {
  headers?: Record<string, string>;
  body?: unknown;
}) => unknown;

/** Options of the /docs page (SwaggerModule.setup). */
export const SWAGGER_UI_OPTIONS: SwaggerCustomOptions = {
  jsonDocumentUrl: 'docs-json',
  customSiteTitle: 'Sinergi API',
  swaggerOptions: { requestInterceptor: signingRequestInterceptor, persistAuthorization: false, displayRequestDuration: true },
};
