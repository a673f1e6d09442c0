-- Full-text search over message texts: a generated tsvector column with a GIN index. Adding a
-- STORED generated column rewrites the table, which computes it for the messages already there
-- (the backfill).
--
-- search_fold() makes PostgreSQL cut words like SQLite's unicode61 tokenizer does, so both
-- backends answer the same searches: accents are removed (NFD, then the combining marks dropped:
-- "Crème" is "creme"), and ASCII punctuation separates words (the default parser would otherwise
-- keep "ada@example.com" or "e-mail" as one token and "example" would not find them). The
-- 'simple' configuration lower-cases and has no stop words and no stemming, again like unicode61.
-- It needs no extension (unaccent is database-wide, while each test runs in its own schema).
-- search_unaccent() alone is what a query's words go through (its quotes and operators must
-- stay). search_fold() repeats it rather than calling it: a function body resolves names on the
-- search_path of the moment, which a restore empties, and the generated column must still compute.
CREATE FUNCTION search_unaccent(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g')
$$;

CREATE FUNCTION search_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT regexp_replace(
        regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g'), '[[:punct:]]', ' ', 'g')
$$;

-- Only a text's first 100,000 characters are indexed: a tsvector holds at most 1 MB, and a longer
-- one would make storing the message itself fail. Providers cap texts far below that (WhatsApp:
-- 4,096), so in practice every word is searchable.
ALTER TABLE messages ADD COLUMN text_search tsvector
    GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, coalesce(search_fold(left(text, 100000)), ''))
    ) STORED;

CREATE INDEX messages_text_search ON messages USING gin (text_search);
