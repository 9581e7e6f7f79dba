// A real OpenID provider (the certified oidc-provider package) on 127.0.0.1
// for tests/oidc/test_oidc.py, with the key the test generated:
//   node provider.mjs PORT MODE KEY.pem CLIENT_SECRET REDIRECT_URI POST_LOGOUT_URI
// MODE proconnect: RS256, client_secret_post, userinfo signed (RS256) with
// ProConnect's scopes and claims (given_name, usual_name, siret,
// organizational_unit). MODE plain: ES256, client_secret_basic only, JSON
// userinfo, the standard profile scope. Logins go through the package's own
// development interaction pages (any password); the account id is the
// e-mail address. GET /__tamper?mode=M makes the next token answer's ID
// token altered and signed again here with the provider's key (nonce,
// expired, audience), signed with a key the provider never published
// (unknownkid), or its signature corrupted (badsig): the tampering proxy the
// test needs to see sobre refuse tokens, in the provider's own process.
// Prints "listening" once ready.
import Provider from 'oidc-provider';
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [port, mode, keyFile, secret, redirectUri, postLogoutUri] = process.argv.slice(2);
const proconnect = mode === 'proconnect';
const alg = proconnect ? 'RS256' : 'ES256';
const priv = createPrivateKey(readFileSync(keyFile));
const jwk = { ...priv.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg };
const issuer = `http://127.0.0.1:${port}`;

function claimsOf(email) {
  const local = email.split('@')[0];
  const domain = email.split('@')[1] || '';
  const c = { sub: `sub-${email}`, email, email_verified: !local.startsWith('unverified') };
  c.given_name = local.charAt(0).toUpperCase() + local.slice(1);
  if (proconnect) {
    c.usual_name = 'Curie';
    c.siret = domain === 'mairie.fr' ? '21750001600019' : '13002526500013';
    c.organizational_unit = 'DINUM';
  } else {
    c.family_name = 'Lovelace';
  }
  return c;
}

const scopes = proconnect
  ? ['openid', 'email', 'given_name', 'usual_name', 'siret', 'organizational_unit']
  : ['openid', 'email', 'profile'];
const claims = proconnect
  ? {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      given_name: ['given_name'],
      usual_name: ['usual_name'],
      siret: ['siret'],
      organizational_unit: ['organizational_unit'],
    }
  : { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] };

const client = {
  client_id: 'sobre',
  client_secret: secret,
  redirect_uris: [redirectUri],
  post_logout_redirect_uris: [postLogoutUri],
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: proconnect ? 'client_secret_post' : 'client_secret_basic',
  id_token_signed_response_alg: alg,
};
if (proconnect) client.userinfo_signed_response_alg = 'RS256';

const provider = new Provider(issuer, {
  clients: [client],
  jwks: { keys: [jwk] },
  scopes,
  claims,
  clientAuthMethods: proconnect ? ['client_secret_post', 'client_secret_basic'] : ['client_secret_basic'],
  enabledJWA: {
    idTokenSigningAlgValues: [alg],
    userinfoSigningAlgValues: ['RS256'],
  },
  features: {
    devInteractions: { enabled: true },
    jwtUserinfo: { enabled: proconnect },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
  // Consent is taken as given: the test is about sobre, not the consent page.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(scopes.join(' '));
    await grant.save();
    return grant;
  },
});

const b64 = (x) => Buffer.from(x).toString('base64url');
function signJws(header, payload, key) {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const sig = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${sig.toString('base64url')}`;
}

function tamper(idToken, how) {
  const [h, p, s] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  switch (how) {
    case 'nonce': payload.nonce = `${payload.nonce}x`; break;
    case 'expired': payload.exp = now - 3600; payload.iat = now - 7200; break;
    case 'audience': payload.aud = 'another-client'; break;
    case 'badsig': {
      const sig = Buffer.from(s, 'base64url');
      sig[10] ^= 0xff;
      return `${h}.${p}.${sig.toString('base64url')}`;
    }
    case 'unknownkid': {
      const other = proconnect
        ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
        : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      return signJws({ ...header, kid: 'unknown' }, payload, other);
    }
    default: break;
  }
  return signJws(header, payload, priv);
}

let pending = null;
provider.use(async (ctx, next) => {
  if (ctx.path === '/__tamper') {
    pending = ctx.query.mode || null;
    ctx.body = 'ok';
    return;
  }
  await next();
  if (ctx.path === '/token' && pending && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token, pending) };
    pending = null;
  }
});

provider.listen(Number(port), '127.0.0.1', () => console.log('listening'));
