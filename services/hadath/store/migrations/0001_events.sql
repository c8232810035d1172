-- The event store: one row per distinct event (primary key event_id), what each event type
-- means for an analyst (event_types), and the records the sink could not store (dead_letters).
-- Applied once by `hadath sink` / `hadath migrate` (hadath.store.migrations); never edit an
-- applied migration: add the next numbered file instead.

-- PLOVER/CAMEO quad class of each hadath event type (spec/EVENTS.md §3), so dashboards can
-- plot conflict against cooperation. Goldstein scores stay on each event (its own value).
CREATE TABLE event_types (
    type        text PRIMARY KEY,
    plover      text NOT NULL,
    quad_class  text NOT NULL CHECK (quad_class IN
                    ('verbal cooperation', 'material cooperation', 'verbal conflict', 'material conflict')),
    stance      text NOT NULL CHECK (stance IN ('cooperation', 'conflict')),
    description text NOT NULL
);

INSERT INTO event_types (type, plover, quad_class, stance, description) VALUES
    ('MEET',     'CONSULT',  'verbal cooperation', 'cooperation', 'parties meet, talk, negotiate, visit, call'),
    ('PROPOSE',  'AGREE',    'verbal cooperation', 'cooperation', 'proposes or offers joint action, talks, a plan'),
    ('AGREE',    'AGREE',    'verbal cooperation', 'cooperation', 'reach, sign or announce an agreement or ceasefire'),
    ('ACCUSE',   'ACCUSE',   'verbal conflict',    'conflict',    'accuses or blames another of wrongdoing'),
    ('CONDEMN',  'ACCUSE',   'verbal conflict',    'conflict',    'condemns, denounces or criticises'),
    ('DENY',     'REJECT',   'verbal conflict',    'conflict',    'denies a report, claim or accusation'),
    ('DEMAND',   'REQUEST',  'verbal conflict',    'conflict',    'demands, urges or calls on another to act or stop'),
    ('REJECT',   'REJECT',   'verbal conflict',    'conflict',    'rejects a proposal, demand or plan'),
    ('THREATEN', 'THREATEN', 'verbal conflict',    'conflict',    'threatens another'),
    ('ATTACK',   'ASSAULT',  'material conflict',  'conflict',    'armed attack, strike or shelling');

CREATE TABLE events (
    event_id           text PRIMARY KEY,
    article_id         text NOT NULL,
    type               text NOT NULL,           -- no foreign key: a new type must not stop the sink
    mode               text NOT NULL,
    cameo              text NOT NULL,
    plover             text NOT NULL,
    goldstein          double precision NOT NULL,
    confidence         double precision NOT NULL,
    source_codes       text[] NOT NULL,         -- actor codes, spec §5 (USAGOV, IGOUNO, ...)
    target_codes       text[] NOT NULL,
    source_countries   text[] NOT NULL,         -- ISO 3166 alpha-3 of the actors that have a country
    target_countries   text[] NOT NULL,
    countries          text[] NOT NULL,         -- every country involved: actors' and the place's
    trigger_text       text NOT NULL,
    sentence           text NOT NULL,
    place_text         text,
    place_name         text,
    place_country      text,
    place_latitude     double precision,
    place_longitude    double precision,
    place_gazetteer_id text,
    date_text          text,
    date_value         text,                    -- as resolved by the extractor: YYYY, YYYY-MM or YYYY-MM-DD
    date_precision     text,
    attributed_text    text,
    attributed_code    text,
    published_at       timestamptz,             -- the article's publication time
    outlet             text,
    url                text,
    event_time         timestamptz NOT NULL,    -- when it happened, as best known (see docs/analysts.md)
    story_id           text,
    extractor          text NOT NULL,
    record             jsonb NOT NULL,          -- the event exactly as on the topic
    kafka_partition    integer NOT NULL,
    kafka_offset       bigint NOT NULL,
    kafka_timestamp    timestamptz,
    stored_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_event_time ON events (event_time);
CREATE INDEX events_type_time ON events (type, event_time);
CREATE INDEX events_countries ON events USING gin (countries);
CREATE INDEX events_article ON events (article_id);
CREATE INDEX events_story ON events (story_id) WHERE story_id IS NOT NULL;

-- Records the sink could not turn into rows (not JSON, not the contract): kept, never dropped.
CREATE TABLE dead_letters (
    topic           text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset    bigint NOT NULL,
    key             bytea,
    value           bytea,
    reason          text NOT NULL,              -- not_json | schema_invalid | ...
    error           text NOT NULL,
    failed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);

-- Who acted on whom: one row per (source actor, target actor) of an event.
CREATE VIEW event_pairs AS
SELECT e.event_id, e.type, e.mode, e.event_time, e.countries, s.code AS source_code, t.code AS target_code
FROM events e
CROSS JOIN LATERAL unnest(e.source_codes) AS s(code)
CROSS JOIN LATERAL unnest(e.target_codes) AS t(code);
