// oidc-provider.mjs — a real OpenID Connect provider (panva/oidc-provider v9) standing in for Okta in tests.
// Listens on 127.0.0.1 only.
//
//   node oidc-provider.mjs
//
// It issues JWT access tokens (RFC 9068) via the client_credentials grant, with a `groups` claim taken from each
// client's metadata, `aud` = the resource indicator and `scope`. Clients (client_secret_basic):
//   agent-alice/alice-secret        groups mcp-users, engineering
//   agent-admin/admin-secret        groups mcp-users, mcp-admins
//   agent-nogroups/nogroups-secret  no groups
//   agent-overage/overage-secret    an Entra ID style groups overage: no `groups`, but `_claim_names`/`_claim_sources`
//                                   saying the groups are to be fetched elsewhere
//
// Environment:
//   OIDC_PORT              port (default 9400; 0 picks a free one, printed in OIDC_READY)
//   OIDC_ISSUER_PATH       a path below the origin for the issuer, e.g. /oauth2/default (Okta's custom authorization
//                          server form): the issuer is http://127.0.0.1:$PORT$OIDC_ISSUER_PATH and every endpoint is
//                          mounted below it
//   OIDC_AUDIENCE          the default resource, RS256-signed (default api://mcp-gateway)
//   OIDC_ES256_AUDIENCE    a resource whose tokens are ES256-signed (default api://mcp-gateway-es256)
//   OIDC_EXTRA_AUDIENCES   further RS256 resources, comma-separated (default api://other-service)
//   OIDC_TOKEN_TTL         access token lifetime in seconds (default 300); a token request may lower or raise it for
//                          itself with the extra parameter `ttl` (test-only)
//   OIDC_OKTA_STYLE=1      tokens look like Okta's: no `typ` header, `cid` instead of `client_id`, `scp` array, `ver`
//   OIDC_SIGNING_KEYS      a private JWKS ({"keys":[...]}) to sign with instead of fresh keys (to share keys between
//                          two instances with different issuers)
//   OIDC_PRINT_JWKS=1      print the private JWKS on one stdout line "OIDC_JWKS {...}" after OIDC_READY
//   OIDC_LOG_REQUESTS=1    print "OIDC_REQUEST <METHOD> <path below the issuer>" for every request, when it arrives
//   OIDC_JWT_CLIENTS       further clients that authenticate with private_key_jwt (RFC 7523), a JSON array of
//                          {"client_id": "...", "jwks": {"keys": [public JWKs]}, "groups": [...]}
//   OIDC_PEOPLE            people who sign in through the provider's login form (its development interactions, turned
//                          on by this variable), a JSON object of login -> groups, e.g. {"ann": ["mcp-admins"]}; any
//                          password is accepted, and a login not listed signs in with no groups. Their ID tokens carry
//                          `sub` (the login), `name` and `groups`.
//   OIDC_CONSOLE_CLIENTS   web clients for those people: the authorization code flow with PKCE, client_secret_post, a
//                          JSON array of {"client_id": "...", "client_secret": "...", "redirect_uris": [...]}; without
//                          redirect_uris (a web client with exactly those) the redirect URI is
//                          http://127.0.0.1/console/signin-oidc on any port (a loopback client, RFC 8252); as for every
//                          native client, oidc-provider asks the person to confirm (Continue) after the login form.
//
// Token introspection (RFC 7662) and revocation (RFC 7009) of the JWT access tokens it issues. oidc-provider itself
// refuses both for structured tokens (UnsupportedTokenType), while Okta introspects and revokes its JWT access tokens,
// so this peer serves them the way Okta does, below the issuer:
//   POST <issuer>/jwt/introspect   token=...  (client_secret_basic: any client above, or mcp-gateway/gateway-secret)
//                                  -> {"active":true, sub, client_id, aud, scope, iat, exp, jti} for a token it issued,
//                                     signed with its keys, unexpired and not revoked; otherwise {"active":false}
//   POST <issuer>/jwt/revoke       token=...  (client_secret_basic, the client the token was issued to) -> 200
//
// Prints "OIDC_READY <issuer>" on stdout once listening. Stops on SIGTERM/SIGINT and when stdin ends.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import { createLocalJWKSet, jwtVerify } from 'jose';

const PORT = Number(process.env.OIDC_PORT ?? 9400);
const HOST = '127.0.0.1';
const MOUNT = (process.env.OIDC_ISSUER_PATH ?? '').replace(/\/$/, '');
const AUDIENCE = process.env.OIDC_AUDIENCE ?? 'api://mcp-gateway';
const ES256_AUDIENCE = process.env.OIDC_ES256_AUDIENCE ?? 'api://mcp-gateway-es256';
const EXTRA_AUDIENCES = (process.env.OIDC_EXTRA_AUDIENCES ?? 'api://other-service').split(',').filter(Boolean);
const TTL = Number(process.env.OIDC_TOKEN_TTL ?? 300);
const OKTA_STYLE = process.env.OIDC_OKTA_STYLE === '1';
const LOG_REQUESTS = process.env.OIDC_LOG_REQUESTS === '1';

function freshKeys() {
  const stamp = Date.now();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return {
    keys: [
      { ...rsa, kid: `rsa-${stamp}`, alg: 'RS256', use: 'sig' },
      { ...ec, kid: `ec-${stamp}`, alg: 'ES256', use: 'sig' },
    ],
  };
}

const jwks = process.env.OIDC_SIGNING_KEYS ? JSON.parse(process.env.OIDC_SIGNING_KEYS) : freshKeys();

const client = (id, secret, groups, scope = 'mcp:tools mcp:admin') => ({
  client_id: id,
  client_secret: secret,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope,
  groups, // custom metadata, declared in extraClientMetadata below
});

const jwtClients = JSON.parse(process.env.OIDC_JWT_CLIENTS ?? '[]').map(({ client_id: id, jwks: keys, groups = [] }) => ({
  client_id: id,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: keys,
  scope: 'mcp:tools mcp:admin',
  groups,
}));

const tokenTtl = (ctx) => {
  const requested = Number(ctx?.oidc?.body?.ttl);
  return Number.isInteger(requested) && requested > 0 ? requested : TTL;
};

const PEOPLE = process.env.OIDC_PEOPLE ? JSON.parse(process.env.OIDC_PEOPLE) : null;
const consoleClients = JSON.parse(process.env.OIDC_CONSOLE_CLIENTS ?? '[]').map(({ client_id: id, client_secret: secret, redirect_uris: redirects }) => ({
  client_id: id,
  client_secret: secret,
  application_type: redirects ? 'web' : 'native',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: redirects ?? ['http://127.0.0.1/console/signin-oidc'],
  token_endpoint_auth_method: 'client_secret_post',
  scope: 'openid profile groups',
}));
const consoleIds = new Set(consoleClients.map((c) => c.client_id));

const configuration = {
  clients: [
    client('agent-alice', 'alice-secret', ['mcp-users', 'engineering']),
    client('agent-admin', 'admin-secret', ['mcp-users', 'mcp-admins']),
    client('agent-nogroups', 'nogroups-secret', [], 'mcp:tools'),
    { ...client('agent-overage', 'overage-secret', undefined, 'mcp:tools'), groupsOverage: true },
    ...jwtClients,
    ...consoleClients,
  ],
  extraClientMetadata: {
    properties: ['groups', 'groupsOverage'],
    validator(ctx, key, value) {
      if (key === 'groups' && value !== undefined && !Array.isArray(value)) throw new errors.InvalidClientMetadata('groups must be an array');
      if (key === 'groupsOverage' && value !== undefined && typeof value !== 'boolean') throw new errors.InvalidClientMetadata('groupsOverage must be a boolean');
    },
  },
  jwks,
  scopes: ['openid', 'profile', 'groups', 'mcp:tools', 'mcp:admin'],
  claims: { openid: ['sub'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, name: id, groups: PEOPLE?.[id] ?? [] }),
  }),
  features: {
    devInteractions: { enabled: PEOPLE !== null },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // client_credentials without a `resource` parameter gets this audience -> JWT access token
      defaultResource: async (ctx) => (consoleIds.has(ctx.oidc.client?.clientId) ? undefined : AUDIENCE),
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, resourceIndicator) => {
        const es256 = resourceIndicator === ES256_AUDIENCE;
        if (resourceIndicator !== AUDIENCE && !es256 && !EXTRA_AUDIENCES.includes(resourceIndicator)) throw new errors.InvalidTarget();
        return {
          scope: 'mcp:tools mcp:admin',
          audience: resourceIndicator,
          accessTokenTTL: tokenTtl(ctx),
          accessTokenFormat: 'jwt', // without this (or without a resource server at all) tokens are opaque
          jwt: { sign: { alg: es256 ? 'ES256' : 'RS256' } },
        };
      },
    },
  },
  // Custom claims in the JWT access token (Okta: a "groups" claim on the custom authorization server).
  extraTokenClaims: async (ctx, token) => {
    const c = ctx.oidc.client ?? (token.clientId && (await ctx.oidc.provider.Client.find(token.clientId)));
    if (c?.groupsOverage) {
      // Entra ID: too many groups for the token, so it names where to fetch them (OpenID Connect Core 5.6.2).
      return {
        _claim_names: { groups: 'src1' },
        _claim_sources: { src1: { endpoint: `https://graph.example/v1.0/users/${c.clientId}/getMemberObjects` } },
      };
    }
    return { groups: c?.groups ?? [] };
  },
  formats: {
    customizers: {
      jwt: async (ctx, token, jwt) => {
        if (!OKTA_STYLE) return;
        // Okta's access tokens: header {kid, alg} only, the client in `cid`, scopes as the array `scp`.
        jwt.header = { typ: undefined };
        const { client_id: cid, scope, ...rest } = jwt.payload;
        jwt.payload = { ver: 1, ...rest, cid, scp: scope ? scope.split(' ') : [] };
      },
    },
  },
  ttl: { ClientCredentials: (ctx) => tokenTtl(ctx) },
};

let callback; // set once listening: the issuer contains the port
let issuer;

// The JWT access tokens issued (by jti, with the client they were issued to) and those revoked since.
const issuedTokens = new Map();
const revokedTokens = new Set();
const publicJwks = createLocalJWKSet({ keys: jwks.keys.map(({ d, p, q, dp, dq, qi, ...pub }) => pub) });
const secrets = new Map([...configuration.clients.filter((c) => c.client_secret).map((c) => [c.client_id, c.client_secret]), ['mcp-gateway', 'gateway-secret']]);

function basicClient(req) {
  const [scheme, value] = (req.headers.authorization ?? '').split(' ');
  if (scheme !== 'Basic' || !value) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const id = decodeURIComponent(decoded.slice(0, colon));
  return secrets.get(id) === decodeURIComponent(decoded.slice(colon + 1)) ? id : undefined;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function verifiedClaims(token) {
  try {
    const { payload } = await jwtVerify(token ?? '', publicJwks, { issuer });
    return issuedTokens.has(payload.jti) ? payload : undefined;
  } catch {
    return undefined;
  }
}

async function jwtTokenEndpoint(req, res, path) {
  const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const client = basicClient(req);
  if (req.method !== 'POST') return json(405, { error: 'invalid_request' });
  if (!client) return json(401, { error: 'invalid_client' });
  const form = await readForm(req);
  const claims = await verifiedClaims(form.get('token'));
  if (path === '/jwt/revoke') {
    if (claims && issuedTokens.get(claims.jti) === client) revokedTokens.add(claims.jti);
    return res.writeHead(200).end();
  }
  const active = claims && !revokedTokens.has(claims.jti) && claims.exp > Date.now() / 1000;
  if (!active) return json(200, { active: false });
  const { sub, client_id: clientId, cid, aud, scope, iat, exp, jti } = claims;
  return json(200, { active: true, token_type: 'Bearer', sub, client_id: clientId ?? cid, aud, scope, iat, exp, jti, iss: issuer });
}

const server = createServer((req, res) => {
  if (!callback || (MOUNT && req.url !== MOUNT && !req.url.startsWith(`${MOUNT}/`))) {
    res.writeHead(404).end();
    return;
  }

  if (MOUNT) {
    req.originalUrl = req.url;
    req.url = req.url.slice(MOUNT.length) || '/';
  }

  if (LOG_REQUESTS) console.log(`OIDC_REQUEST ${req.method} ${req.url.split('?')[0]}`);
  const path = req.url.split('?')[0];
  if (path === '/jwt/introspect' || path === '/jwt/revoke') {
    jwtTokenEndpoint(req, res, path).catch((err) => { console.error('jwt endpoint', err); res.writeHead(500).end(); });
    return;
  }
  callback(req, res);
});

server.listen(PORT, HOST, () => {
  issuer = `http://${HOST}:${server.address().port}${MOUNT}`;
  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  provider.on('client_credentials.issued', (token) => issuedTokens.set(token.jti, token.clientId));
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  callback = provider.callback();
  console.log(`OIDC_READY ${issuer}`);
  if (process.env.OIDC_PRINT_JWKS === '1') console.log(`OIDC_JWKS ${JSON.stringify(jwks)}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
