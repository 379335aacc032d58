// A real OpenID Provider (the npm package oidc-provider) for the host's integration tests.
//
//   OIDC_TLS_CERT=cert.pem OIDC_TLS_KEY=key.pem node provider.mjs
//
// Listens with https on 127.0.0.1 and a free port and prints "issuer <url>" once ready. The appliance under test
// starts after it (it needs the issuer), so its client is registered afterwards: each line on standard input is a
// client's metadata as JSON, answered by "client <client_id>". The interaction pages are this script's own: a login
// form the test posts an account, an acr and amr values to (so that each test chooses how strong the sign-in was), then
// a consent form.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createInterface } from 'node:readline';
import Provider from 'oidc-provider';

// The people of the test IdP and the values of their "roles" claim; the appliance maps these to its roles.
const accounts = {
  organiser: { name: 'Olga Organiser', roles: ['meeting-organisers'] },
  officer: { name: 'Sven Security', roles: ['security-officers'] },
  operator: { name: 'Otto Operator', roles: ['it-operations'] },
  auditor: { name: 'Aud Auditor', roles: ['internal-audit'] },
  multi: { name: 'Maja Many', roles: ['meeting-organisers', 'it-operations', 'unmapped-group'] },
  nobody: { name: 'Nils Nobody', roles: ['unmapped-group'] },
};

// Everything oidc-provider stores (grants, codes, sessions, and the clients registered on standard input), in memory.
const store = new Map();
class MemoryAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload) {
    store.set(this.key(id), payload);
    if (payload.uid) {
      store.set(`${this.model}:uid:${payload.uid}`, id);
    }
    if (payload.userCode) {
      store.set(`${this.model}:userCode:${payload.userCode}`, id);
    }
  }

  async find(id) {
    return store.get(this.key(id));
  }

  async findByUid(uid) {
    const id = store.get(`${this.model}:uid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = store.get(`${this.model}:userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = store.get(this.key(id));
    if (payload) {
      payload.consumed = Math.floor(Date.now() / 1000);
    }
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const [key, payload] of store) {
      if (payload && typeof payload === 'object' && payload.grantId === grantId) {
        store.delete(key);
      }
    }
  }
}

const tls = { cert: readFileSync(process.env.OIDC_TLS_CERT), key: readFileSync(process.env.OIDC_TLS_KEY) };
const server = createServer(tls);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `https://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['oidc-provider test cookie key, not a secret'] },
  acrValues: ['urn:appliance:test:loa:low', 'urn:appliance:test:loa:substantial', 'urn:appliance:test:loa:high'],
  // acr and amr in every ID token (as Entra ID or Keycloak put them), not only when the claims parameter asks.
  claims: {
    acr: null, amr: null, auth_time: null, sid: null, openid: ['sub', 'acr', 'amr'], profile: ['name'], roles: ['roles'],
  },
  scopes: ['openid', 'profile', 'roles'],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource: logoutPage },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts[id];
    return account && {
      accountId: id,
      async claims() {
        return { sub: id, name: account.name, roles: account.roles };
      },
    };
  },
});

// RP-initiated logout asks for confirmation with a form; the test posts it like a person pressing "yes".
async function logoutPage(ctx, form) {
  ctx.body = `<!DOCTYPE html><html><body>${form}<button form="op.logoutForm" type="submit" name="logout" value="yes">Sign out</button></body></html>`;
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 64 * 1024) {
      throw new Error('form too large');
    }
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400).end('wrong interaction');
    return;
  }

  const page = (body) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html lang="en"><head><title>Test IdP</title><link rel="icon" href="data:,"></head><body><main><h1>Test IdP</h1>${body}</main></body></html>`);
  };

  // Two steps, as at a real IdP: who you are (and how strongly: the test chooses acr and amr), then consent.
  if (req.method === 'GET' && !action && details.prompt.name === 'login') {
    page(`<p>Client ${escape(details.params.client_id)} asks for ${escape(details.params.scope)}; acr_values ${escape(details.params.acr_values ?? '')}</p>
<form method="post" action="/interaction/${escape(uid)}/login">
<p><label for="login">Account</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="acr">Authentication context (acr)</label> <input id="acr" name="acr" value="urn:appliance:test:loa:high"></p>
<p><label for="amr">Authentication methods (amr)</label> <input id="amr" name="amr" value="pwd otp"></p>
<button>Sign in</button>
</form>`);
    return;
  }

  if (req.method === 'GET' && !action && details.prompt.name === 'consent') {
    page(`<p>${escape(details.params.client_id)} asks to know who you are (${escape(details.params.scope)}).</p>
<form method="post" action="/interaction/${escape(uid)}/consent"><button>Allow</button></form>`);
    return;
  }

  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const accountId = form.get('login');
    if (!accounts[accountId]) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'unknown test account' }, { mergeWithLastSubmission: false });
      return;
    }

    const amr = (form.get('amr') ?? '').split(' ').filter((m) => m.length > 0);
    const acr = form.get('acr') || undefined;
    await provider.interactionFinished(req, res, { login: { accountId, acr, amr } }, { mergeWithLastSubmission: false });
    return;
  }

  if (req.method === 'POST' && action === 'consent' && details.prompt.name === 'consent') {
    // The test IdP grants what the client asked for.
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  res.writeHead(404).end();
}

const callback = provider.callback();
server.on('request', (req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|consent))?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) {
    callback(req, res);
    return;
  }

  interaction(req, res, match[1], match[2]).catch((error) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  });
});

provider.on('server_error', (ctx, error) => console.error('server_error', error));

createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.trim() === '') {
    return;
  }
  const metadata = JSON.parse(line);
  await new MemoryAdapter('Client').upsert(metadata.client_id, metadata);
  console.log(`client ${metadata.client_id}`);
}).on('close', () => {
  // The test closed our standard input: it is done, or it died.
  server.close();
  process.exit(0);
});

console.log(`issuer ${issuer}`);
