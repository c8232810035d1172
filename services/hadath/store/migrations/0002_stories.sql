-- Stories: one real-world event as reported across articles (docs/stories.md), the latest
-- rollup from the compacted stories topic per story_id. events.story_id points here.
CREATE TABLE stories (
    story_id          text PRIMARY KEY,
    type              text NOT NULL,
    parties           text[] NOT NULL,          -- actor scoring keys of the founding event
    place             text,
    place_country     text,
    day               date,
    first_day         date,
    last_day          date,
    first_seen        timestamptz,              -- earliest publication time of its articles
    last_seen         timestamptz,
    founder_event_id  text NOT NULL,
    article_count     integer NOT NULL,
    outlet_count      integer NOT NULL,
    event_count       integer NOT NULL,
    article_ids       text[] NOT NULL,
    outlets           text[] NOT NULL,
    event_ids         text[] NOT NULL,
    record            jsonb NOT NULL,           -- the rollup exactly as on the topic
    kafka_partition   integer NOT NULL,
    kafka_offset      bigint NOT NULL,
    stored_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX stories_last_seen ON stories (last_seen);
