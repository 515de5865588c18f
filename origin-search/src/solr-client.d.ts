// solr-client ships no types; the origin uses only createClient and narrows the rest in solr.ts.
declare module 'solr-client' {
  const solr: { createClient(options: Record<string, unknown>): unknown };
  export default solr;
}
