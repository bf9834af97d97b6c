-- Operator-owned mail templates. Every PUT adds an immutable version (messages record the version
-- they were rendered with); mail_template points at the current one. current_version is null after
-- a DELETE: the built-in template of that name, if any, applies again, and the history stays.

create table mail_template (
    name            text primary key,
    current_version int,
    updated_at      timestamptz not null
);

create table mail_template_version (
    id          bigint generated always as identity primary key,
    name        text        not null references mail_template (name),
    version     int         not null,
    description text,
    marketing   boolean     not null,
    priority    text        not null check (priority in ('high', 'normal', 'low')),
    variables   text[]      not null,   -- model root variables the sources may use
    required    text[]      not null,   -- model paths that must be present, e.g. order.items[].sku
    locales     text[]      not null,   -- language tags; the first is the fallback
    sample      text,                   -- example model (JSON) for previews
    created_by  text,                   -- name of the API key that stored it
    created_at  timestamptz not null,
    unique (name, version)
);

create table mail_template_source (
    version_id bigint not null references mail_template_version (id) on delete cascade,
    locale     text   not null,
    subject    text   not null,
    html       text   not null,
    plain_text text,                    -- null: the text part is derived from the HTML
    primary key (version_id, locale)
);
