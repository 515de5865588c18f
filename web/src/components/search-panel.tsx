// Search results beside the channel (over it on a phone): highlighted snippets rendered as text,
// facets that narrow the query, and a click (or Enter) that opens the message where it was said.
import { useEffect, useRef } from 'preact/hooks';
import { describeSearchTotal, formatTime } from '../lib/format.ts';
import { parseSnippet } from '../lib/snippet.ts';
import type { ChatState, ChatStore } from '../state/chat-store.ts';

export interface SearchPanelProps {
  store: ChatStore;
  state: ChatState;
  /** Runs a new query (a facet adds an operator to the current one). */
  onQuery: (query: string) => void;
}

function Snippet({ html }: { html: string }) {
  return (
    <p class="snippet">
      {parseSnippet(html).map((s, i) => (s.marked ? <mark key={i}>{s.text}</mark> : s.text))}
    </p>
  );
}

/** Adds `in:#x` / `from:@x` to a query, or takes it out when it is there. */
function toggleOperator(query: string, operator: string): string {
  const terms = query.split(/\s+/).filter(Boolean);
  const has = terms.some((t) => t.toLowerCase() === operator.toLowerCase());
  const next = has
    ? terms.filter((t) => t.toLowerCase() !== operator.toLowerCase())
    : [...terms, operator];
  return next.join(' ');
}

interface FacetGroupProps {
  legend: string;
  facets: { id: string; name: string; count: number }[];
  /** The query operator a facet toggles. */
  operator: (name: string) => string;
  label: (name: string) => string;
  query: string;
  /** The current query's terms, lowercased: a facet whose operator is there shows pressed. */
  active: Set<string>;
  onQuery: (query: string) => void;
}

/** One kind of facet (channels or people): each a toggle of its operator in the query. */
function FacetGroup({ legend, facets, operator, label, query, active, onQuery }: FacetGroupProps) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {facets.map((f) => {
        const op = operator(f.name);
        return (
          <button
            key={f.id}
            type="button"
            class="facet"
            aria-pressed={active.has(op.toLowerCase())}
            onClick={() => onQuery(toggleOperator(query, op))}
          >
            {label(f.name)} <span class="count">{f.count}</span>
          </button>
        );
      })}
    </fieldset>
  );
}

export function SearchPanel({ store, state, onQuery }: SearchPanelProps) {
  const search = state.search!;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const active = new Set(search.query.toLowerCase().split(/\s+/));

  return (
    <aside class="side-panel search-panel" aria-labelledby="search-title">
      <header class="panel-head">
        <h2 id="search-title" tabIndex={-1} ref={heading}>
          Search
        </h2>
        <button
          type="button"
          class="icon-button"
          aria-label="Close search"
          onClick={store.closeSearch}
        >
          ✕
        </button>
      </header>
      <div class="search-body">
        <div class="search-meta" role="status" aria-live="polite">
          {search.loading
            ? 'Searching…'
            : search.error
              ? ''
              : search.query.trim()
                ? describeSearchTotal(search.total, search.totalIsExact, search.query.trim())
                : 'Type a query and press Enter.'}
        </div>
        {search.error && (
          <p class="form-error" role="alert">
            {search.error}
            {search.errorPosition !== null && ` (at character ${search.errorPosition + 1})`}
          </p>
        )}
        <div class="sort" role="group" aria-label="Sort results">
          {(['relevance', 'newest'] as const).map((sort) => (
            <button
              key={sort}
              type="button"
              aria-pressed={search.sort === sort}
              onClick={() => void store.search(search.query, sort)}
            >
              {sort === 'relevance' ? 'Best match' : 'Newest'}
            </button>
          ))}
        </div>
        {(search.facets.channels.length > 0 || search.facets.authors.length > 0) && (
          <div class="facets">
            <FacetGroup
              legend="Channels"
              facets={search.facets.channels}
              operator={(name) => `in:#${name}`}
              label={(name) => `#${name}`}
              query={search.query}
              active={active}
              onQuery={onQuery}
            />
            <FacetGroup
              legend="People"
              facets={search.facets.authors}
              operator={(name) => `from:@${name}`}
              label={(name) => `@${name}`}
              query={search.query}
              active={active}
              onQuery={onQuery}
            />
          </div>
        )}
        {!search.loading && !search.facetsCounted && search.results.length > 0 && (
          <p class="facets-note">
            Too many matches to count by channel and person. Add a word or a filter to see them.
          </p>
        )}
        <ol class="results">
          {search.results.map((r) => (
            <li key={r.message.id}>
              <button
                type="button"
                class="result"
                data-result-id={r.message.id}
                onClick={() =>
                  void store.jumpToMessage({
                    channelId: r.message.channelId,
                    messageId: r.message.id,
                    seq: r.message.seq,
                    threadId: r.message.threadId,
                  })
                }
              >
                <span class="result-head">
                  <span class="result-channel">#{r.channel.name}</span>
                  <span class="author">{r.author.name}</span>
                  <time dateTime={r.message.createdAt}>{formatTime(r.message.createdAt)}</time>
                  {r.message.threadId && <span class="hint">in a thread</span>}
                </span>
                <Snippet html={r.snippet} />
              </button>
            </li>
          ))}
        </ol>
        {search.nextCursor && (
          <button
            type="button"
            class="load-more"
            disabled={search.loading}
            onClick={() => void store.searchMore()}
          >
            More results
          </button>
        )}
        <details class="search-help">
          <summary>Search syntax</summary>
          <dl>
            <dt>
              <code>"exact phrase"</code>
            </dt>
            <dd>the words in this order</dd>
            <dt>
              <code>depl*</code>
            </dt>
            <dd>words starting with depl</dd>
            <dt>
              <code>-word</code>
            </dt>
            <dd>leave out messages with the word</dd>
            <dt>
              <code>in:#channel</code> <code>from:@user</code>
            </dt>
            <dd>only in a channel, only by a person</dd>
            <dt>
              <code>before:2024-05-01</code> <code>after:…</code> <code>on:…</code>
            </dt>
            <dd>by day (UTC)</dd>
            <dt>
              <code>has:link</code> <code>is:thread</code>
            </dt>
            <dd>messages with a link, in a thread</dd>
          </dl>
        </details>
      </div>
    </aside>
  );
}
