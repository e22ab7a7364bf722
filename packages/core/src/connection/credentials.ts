/**
 * The engine address and the credential of one client, held here and nowhere else: the lifecycle
 * reads both at every attempt (so `setConnectionParams()` applies to the next one), a `userToken`
 * from the engine replaces the credential, and the account commands read it. The credential is a
 * #private field: inspection and serialisation never reach it.
 */
export class Endpoint {
  uri: string;
  #credential: string;

  constructor(uri: string, credential: string) {
    this.uri = uri;
    this.#credential = credential;
  }

  get credential(): string {
    return this.#credential;
  }

  set credential(value: string) {
    this.#credential = value;
  }

  /** Whether a credential is configured (a blank one counts as none). */
  get hasCredential(): boolean {
    return this.#credential.trim() !== '';
  }
}
