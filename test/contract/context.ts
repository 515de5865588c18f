// What each runtime's global setup hands the contract suite. The suite itself speaks only HTTP.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the API under test listens, e.g. `http://127.0.0.1:41234` (no trailing slash). */
    baseUrl: string;
    /** A bearer token of an admin, for creating the users each test needs. */
    adminToken: string;
    /** `node`, `workerd` or `deno`: only for test titles and messages, never for branching. */
    runtime: string;
  }
}

export {};
