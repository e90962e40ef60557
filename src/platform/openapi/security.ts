import { ApiBearerAuth, ApiExtension, ApiSecurity, type SecuritySchemeObject } from '@nestjs/swagger';

/** Security scheme names in components.securitySchemes. */
export const BEARER_SCHEME = 'bearer';
export const CLIENT_ID_SCHEME = 'clientId';
export const TIMESTAMP_SCHEME = 'signatureTimestamp';
export const SIGNATURE_SCHEME = 'requestSignature';

const SIGNING = 'docs/api.md, "Signing requests"';

/**
 * A procurement system's signed request (docs/api.md): three headers that only together authenticate, so one security
 * requirement names all three. The signature covers the exact bytes of the body (an empty body for a GET).
 */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "An official's, auditor's or admin's access token from the configured issuer (roles and regions in its claims).",
  },
  [CLIENT_ID_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Client-Id',
    description: `The procurement client's id, as registered with clients:create (${SIGNING}). Always with X-Timestamp and X-Signature.`,
  },
  [TIMESTAMP_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Timestamp',
    description: 'Unix seconds when the request was signed; at most 300 s from the server clock. Always with X-Client-Id and X-Signature.',
  },
  [SIGNATURE_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Signature',
    description:
      '`v1=<hex HMAC-SHA256(secret, "<X-Timestamp>.<raw body>")>`: the lowercase hex HMAC-SHA256 under the client secret of the ' +
      'timestamp, a full stop and the exact bytes of the body as sent (nothing after the full stop for a request without a body). ' +
      'During a secret rotation either active secret is accepted. Always with X-Client-Id and X-Timestamp. ' +
      'On the /docs page, enter the client secret here (and anything as X-Timestamp): the page signs each request itself.',
  },
};

/** Authenticated by the signed-request headers (procurement systems). */
export const ApiSignedRequest = () => ApiSecurity({ [CLIENT_ID_SCHEME]: [], [TIMESTAMP_SCHEME]: [], [SIGNATURE_SCHEME]: [] });

/** The extension ApiPublic sets, replaced by `security: []` when the document is finished. */
export const PUBLIC_EXTENSION = 'x-sinergi-public';

/** Marks an operation that needs no credentials; the document says so with `security: []`. */
export const ApiPublic = () => ApiExtension(PUBLIC_EXTENSION, true);

export { ApiBearerAuth };
