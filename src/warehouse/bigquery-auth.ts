// Application Default Credentials, found the way google-auth-library looks for them, but without
// touching the network: a console that hangs on a metadata-server probe over SSH is worse than one
// clear line. No key material is read here or kept in config or state: only where ADC would come from.
import {existsSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {UsageError} from '../errors.js';

export type CredentialSource =
  | {readonly kind: 'env-file'; readonly path: string}
  | {readonly kind: 'gcloud-adc'; readonly path: string}
  | {readonly kind: 'metadata'; readonly evidence: string};

export const AUTHENTICATE_HINT =
  'no Google Cloud credentials found: run `gcloud auth application-default login`, ' +
  'or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file';

/** The probes, injectable so tests do not depend on this machine's files. */
export interface CredentialProbe {
  exists(path: string): boolean;
  /** Reads a small system file (DMI), undefined when absent. */
  read(path: string): string | undefined;
  home(): string;
  platform: NodeJS.Platform;
}

export const systemProbe: CredentialProbe = {
  exists: existsSync,
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  home: homedir,
  platform: process.platform,
};

// Set by Google's runtimes (Cloud Run, Cloud Functions, App Engine, Cloud Shell) or by operators
// pointing at an emulated metadata server; all of them serve credentials from the metadata server.
const METADATA_ENV = ['GCE_METADATA_HOST', 'GCE_METADATA_IP', 'K_SERVICE', 'CLOUD_RUN_JOB', 'FUNCTION_TARGET', 'GAE_SERVICE', 'CLOUD_SHELL'];

/** gcloud's well-known ADC file (what `gcloud auth application-default login` writes). */
export function wellKnownAdcPath(env: NodeJS.ProcessEnv, probe: CredentialProbe = systemProbe): string {
  if (env.CLOUDSDK_CONFIG) return join(env.CLOUDSDK_CONFIG, 'application_default_credentials.json');
  if (probe.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'gcloud', 'application_default_credentials.json');
  return join(env.HOME || probe.home(), '.config', 'gcloud', 'application_default_credentials.json');
}

/** Where ADC would come from, or null when there is none. A dangling env path is bad configuration. */
export function findCredentials(env: NodeJS.ProcessEnv, probe: CredentialProbe = systemProbe): CredentialSource | null {
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (explicit) {
    if (!probe.exists(explicit)) {
      throw new UsageError(`GOOGLE_APPLICATION_CREDENTIALS points to ${explicit}, which does not exist`);
    }
    return {kind: 'env-file', path: explicit};
  }
  const wellKnown = wellKnownAdcPath(env, probe);
  if (probe.exists(wellKnown)) return {kind: 'gcloud-adc', path: wellKnown};
  const runtime = METADATA_ENV.find((name) => env[name]);
  if (runtime) return {kind: 'metadata', evidence: runtime};
  // Compute Engine and GKE nodes say so in DMI (gcp-metadata's own residency check, offline).
  for (const file of ['/sys/class/dmi/id/product_name', '/sys/class/dmi/id/bios_vendor']) {
    if (/Google/i.test(probe.read(file) ?? '')) return {kind: 'metadata', evidence: file};
  }
  return null;
}

/** Credentials or a UsageError with the one line that says how to authenticate. */
export function requireCredentials(env: NodeJS.ProcessEnv, probe: CredentialProbe = systemProbe): CredentialSource {
  const found = findCredentials(env, probe);
  if (!found) throw new UsageError(AUTHENTICATE_HINT);
  return found;
}
