"""The PostgreSQL store's schema: each version's statements, applied in turn by `db init`, and
the checks of a figure written from the one rule of a figure (domain.figures)."""

from __future__ import annotations

import unicodedata

from tltrack.domain.figures import CONTROL_RANGES, MAX_FIGURE, MAX_REVISION, SPACES, TEXT_BOUNDS

# The columns that hold a figure's texts, by the rule's name of the field.
_TEXT_COLUMNS = {"metric": "metric", "period": "period", "note": "note", "by": "recorded_by"}


def _class(characters: str) -> str:
    """A bracket expression's inside for PostgreSQL's regular expressions: each character as
    an escape, runs as ranges (the server's text never holds NUL, so it starts at U+0001)."""
    codes = sorted({max(ord(c), 1) for c in characters})
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        _escape(first) if first == last else f"{_escape(first)}-{_escape(last)}"
        for first, last in runs
    )


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _controls() -> str:
    """The rule's control characters, each of them."""
    return "".join(chr(c) for first, last in CONTROL_RANGES for c in range(first, last + 1))


def _invisible() -> str:
    """Unicode's format characters (Cf: zero-width, direction marks), which no region's name
    holds."""
    return "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")


def _text_check(column: str, field: str) -> str:
    spaces = _class(SPACES)
    checks = [
        f"length({column}) <= {TEXT_BOUNDS[field]}",
        f"{column} !~ '[{_class(_controls())}]'",
        f"{column} !~ '^[{spaces}]|[{spaces}]$'",
    ]
    if field in ("metric", "period", "region"):
        checks.append(f"length({column}) >= 1")
    if field == "region":
        checks.append(f"{column} !~ '[{_class(_invisible())}]'")
        return f"({column} IS NULL OR ({' AND '.join(checks)}))"
    return " AND ".join(checks)


def figure_checks() -> str:
    """Migration 4: the figure's text and time checked as the one rule of a figure checks
    them, so that no role can store a row that some reader refuses (which would make the
    year unreadable for every office)."""
    texts = [_text_check(column, field) for field, column in _TEXT_COLUMNS.items()]
    texts.append(_text_check("region", "region"))
    # What Python reads back: hours 0-23, seconds 0-59 (no 24:00, no leap second), an offset
    # of whole minutes within what the server keeps (±15:59).
    time = (
        r"at ~ '^\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{6})?"
        r"[+-](0\d|1[0-5]):[0-5]\d$' AND at::timestamptz IS NOT NULL"
    )
    return f"""
    ALTER TABLE tltrack.figure
        DROP CONSTRAINT figure_text,
        DROP CONSTRAINT figure_at,
        DROP CONSTRAINT figure_value,
        DROP CONSTRAINT figure_revision,
        ADD CONSTRAINT figure_text CHECK ({" AND ".join(texts)}) NOT VALID,
        ADD CONSTRAINT figure_at CHECK ({time}) NOT VALID,
        ADD CONSTRAINT figure_value CHECK (value ~ '^-?\\d+(\\.\\d+)?(e[+-]?\\d+)?$'
            AND abs(value::float8) <= {MAX_FIGURE:.0f}) NOT VALID,
        ADD CONSTRAINT figure_revision CHECK (revision BETWEEN 0 AND {MAX_REVISION}) NOT VALID;
    """


# Migration 4, as figure_checks() wrote it for the rule of schema 4 (kept as text, so that a
# later change of the rule cannot change a migration databases already ran: it needs a 5th).
FIGURE_CHECKS_4 = r"""
    ALTER TABLE tltrack.figure
        DROP CONSTRAINT figure_text,
        DROP CONSTRAINT figure_at,
        DROP CONSTRAINT figure_value,
        DROP CONSTRAINT figure_revision,
        ADD CONSTRAINT figure_text CHECK (length(metric) <= 200 AND metric !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND metric !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$' AND length(metric) >= 1 AND length(period) <= 20 AND period !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND period !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$' AND length(period) >= 1 AND length(note) <= 2000 AND note !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND note !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$' AND length(recorded_by) <= 200 AND recorded_by !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND recorded_by !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$' AND (region IS NULL OR (length(region) <= 100 AND region !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND region !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$' AND length(region) >= 1 AND region !~ '[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]'))) NOT VALID,
        ADD CONSTRAINT figure_at CHECK (at ~ '^\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{6})?[+-](0\d|1[0-5]):[0-5]\d$' AND at::timestamptz IS NOT NULL) NOT VALID,
        ADD CONSTRAINT figure_value CHECK (value ~ '^-?\d+(\.\d+)?(e[+-]?\d+)?$'
            AND abs(value::float8) <= 1000000000000000) NOT VALID,
        ADD CONSTRAINT figure_revision CHECK (revision BETWEEN 0 AND 1000000) NOT VALID;

"""


def provenance_columns() -> str:
    """Migration 6: who sent a figure (unit), from where (source) and the explanation of an
    unusual one, each checked as the one rule of a figure checks its text. Rows already
    there get none ('')."""
    columns = ("explanation", "unit", "source")
    added = ",\n".join(f"ADD COLUMN {c} text NOT NULL DEFAULT ''" for c in columns)
    checks = " AND ".join(_text_check(c, c) for c in columns)
    return f"""
    ALTER TABLE tltrack.figure
        {added},
        ADD CONSTRAINT figure_provenance CHECK ({checks});
    """


# Migration 6, as provenance_columns() wrote it for the rule of schema 6 (kept as text, as
# migration 4 is: a later change of the rule needs a 7th).
PROVENANCE_COLUMNS_6 = r"""
    ALTER TABLE tltrack.figure
        ADD COLUMN explanation text NOT NULL DEFAULT '',
ADD COLUMN unit text NOT NULL DEFAULT '',
ADD COLUMN source text NOT NULL DEFAULT '',
        ADD CONSTRAINT figure_provenance CHECK (length(explanation) <= 2000 AND explanation !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND explanation !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$' AND length(unit) <= 100 AND unit !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND unit !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$' AND length(source) <= 400 AND source !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' AND source !~ '^[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]|[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]$');
    """


# Each step brings the schema from its index to the next version; `db init` runs the ones a
# database lacks, in one transaction.
MIGRATIONS = [
    """
    CREATE TABLE tltrack.schema_version (version integer NOT NULL);
    INSERT INTO tltrack.schema_version VALUES (0);
    CREATE TABLE tltrack.figure (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        year integer NOT NULL,
        metric text NOT NULL,
        region text,
        period text NOT NULL,
        period_end date NOT NULL,
        value text NOT NULL,
        note text NOT NULL,
        recorded_by text NOT NULL,
        at text NOT NULL,
        correction boolean NOT NULL,
        revision integer NOT NULL,
        db_role name NOT NULL DEFAULT current_user
    );
    CREATE INDEX figure_series ON tltrack.figure (year, metric, region, period_end);
    CREATE TABLE tltrack.target_owner (
        year integer NOT NULL,
        metric text NOT NULL,
        owner text NOT NULL,
        PRIMARY KEY (year, metric)
    );
    CREATE TABLE tltrack.role_grant (
        role name PRIMARY KEY,
        everything boolean NOT NULL DEFAULT false,
        region text,
        owner text,
        CHECK (everything OR (region IS NULL) <> (owner IS NULL))
    );
    ALTER TABLE tltrack.figure ENABLE ROW LEVEL SECURITY;
    CREATE POLICY figure_read ON tltrack.figure FOR SELECT USING (true);
    CREATE POLICY figure_write ON tltrack.figure FOR INSERT WITH CHECK (
        db_role = current_user AND EXISTS (
            SELECT 1 FROM tltrack.role_grant g WHERE g.role = current_user AND (
                g.everything
                OR g.region = figure.region
                OR EXISTS (
                    SELECT 1 FROM tltrack.target_owner t
                    WHERE t.year = figure.year AND t.metric = figure.metric
                    AND t.owner = g.owner
                )
            )
        )
    );
    """,
    # 2: the database checks each row as tltrack reads it, so no role can store a row that
    # makes the year unreadable for every office; and the order of rows is the database's
    # own (a role's OVERRIDING SYSTEM VALUE could take numbers ahead of the others).
    r"""
    ALTER TABLE tltrack.figure
        ADD CONSTRAINT figure_value CHECK (value ~ '^-?\d+(\.\d+)?(e[+-]?\d+)?$'
            AND abs(value::float8) <= 1e15),
        ADD CONSTRAINT figure_at CHECK (
            at ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?[+-]\d\d:\d\d$'
            AND at::timestamptz IS NOT NULL),
        ADD CONSTRAINT figure_revision CHECK (revision BETWEEN 0 AND 1000000),
        ADD CONSTRAINT figure_text CHECK (
            length(metric) <= 200 AND length(period) <= 20 AND length(note) <= 2000
            AND length(recorded_by) <= 200 AND coalesce(length(region), 1) BETWEEN 1 AND 100
            AND metric || period || note || recorded_by || coalesce(region, '')
                !~ '[-
--​-‏‪-‮⁠-⁤﻿]'
            AND note = btrim(note) AND recorded_by = btrim(recorded_by)),
        ADD CONSTRAINT figure_period CHECK (
            period ~ '^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$'
            AND substr(period, 1, 4)::int = year
            AND period_end = CASE
                WHEN period ~ '-Q' THEN make_date(year, substr(period, 7, 1)::int * 3, 1)
                WHEN period ~ '-H' THEN make_date(year, substr(period, 7, 1)::int * 6, 1)
                WHEN length(period) = 4 THEN make_date(year, 12, 1)
                ELSE make_date(year, substr(period, 6, 2)::int, 1)
                END + interval '1 month' - interval '1 day');
    CREATE FUNCTION tltrack.figure_number() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, tltrack AS $$
        BEGIN
            NEW.seq := nextval(pg_get_serial_sequence('tltrack.figure', 'seq'));
            RETURN NEW;
        END $$;
    CREATE TRIGGER figure_number BEFORE INSERT ON tltrack.figure
        FOR EACH ROW EXECUTE FUNCTION tltrack.figure_number();
    """,
    # 3: writers take turns on a row only granted roles may lock (SELECT ... FOR UPDATE needs
    # UPDATE), not on an advisory lock that any role able to connect could hold forever.
    """
    CREATE TABLE tltrack.year_lock (year integer PRIMARY KEY);
    INSERT INTO tltrack.year_lock SELECT DISTINCT year FROM tltrack.target_owner
        ON CONFLICT DO NOTHING;
    INSERT INTO tltrack.year_lock SELECT DISTINCT year FROM tltrack.figure
        ON CONFLICT DO NOTHING;
    DO $$ DECLARE granted record; BEGIN
        FOR granted IN SELECT role FROM tltrack.role_grant LOOP
            EXECUTE format('GRANT SELECT, UPDATE ON tltrack.year_lock TO %I', granted.role);
        END LOOP;
    END $$;
    """,
    # 4: the checks of a figure's text and time, as the one rule of a figure (figure_checks
    # writes them; a test holds this text to what it writes): what they let in, every reader
    # reads. Rows already there are not checked again (NOT VALID): `tltrack validate` names
    # any that breaks the rule.
    FIGURE_CHECKS_4,
    # 5: the database numbers each figure's revision: one above the rows before it for its
    # period, whatever the writer said, so no role pins its figure above every correction.
    # Rows already there are numbered so in the order that decides between them today
    # (revision, then row); a row that breaks the checks keeps its number (readers skip it).
    # The year's lock is taken through lock_year(), and no one changes year_lock: an UPDATE
    # there (granted for SELECT ... FOR UPDATE before) stopped every writer.
    r"""
    CREATE FUNCTION tltrack.figure_revision() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, tltrack AS $$
        DECLARE
            before bigint;
        BEGIN
            PERFORM 1 FROM tltrack.year_lock WHERE year = NEW.year FOR UPDATE;
            IF NEW.region IS NULL THEN
                SELECT count(*) INTO before FROM tltrack.figure WHERE year = NEW.year
                    AND metric = NEW.metric AND region IS NULL
                    AND period_end = NEW.period_end AND period = NEW.period;
            ELSE
                SELECT count(*) INTO before FROM tltrack.figure WHERE year = NEW.year
                    AND metric = NEW.metric AND region = NEW.region
                    AND period_end = NEW.period_end AND period = NEW.period;
            END IF;
            NEW.revision := least(before, 1000000);
            NEW.correction := before > 0;
            RETURN NEW;
        END $$;
    CREATE TRIGGER figure_revision BEFORE INSERT ON tltrack.figure
        FOR EACH ROW EXECUTE FUNCTION tltrack.figure_revision();
    DO $$ DECLARE numbered record; BEGIN
        FOR numbered IN SELECT seq, place FROM (SELECT seq, revision, row_number() OVER
                (PARTITION BY year, metric, region, period ORDER BY revision, seq) - 1 AS place
                FROM tltrack.figure) f
            WHERE revision <> place LOOP
            BEGIN
                UPDATE tltrack.figure SET revision = numbered.place WHERE seq = numbered.seq;
            EXCEPTION WHEN check_violation THEN NULL;
            END;
        END LOOP;
    END $$;
    CREATE FUNCTION tltrack.lock_year(wanted integer) RETURNS boolean LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, tltrack AS $$
        BEGIN
            PERFORM 1 FROM tltrack.year_lock WHERE year = wanted FOR UPDATE;
            RETURN FOUND;
        END $$;
    REVOKE ALL ON FUNCTION tltrack.lock_year(integer) FROM PUBLIC;
    CREATE FUNCTION tltrack.year_lock_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'tltrack.year_lock is not changed: writers only take turns on it'
                USING ERRCODE = 'insufficient_privilege';
        END $$;
    CREATE TRIGGER year_lock_kept BEFORE UPDATE OR DELETE ON tltrack.year_lock
        FOR EACH ROW EXECUTE FUNCTION tltrack.year_lock_kept();
    CREATE TRIGGER year_lock_kept_whole BEFORE TRUNCATE ON tltrack.year_lock
        FOR EACH STATEMENT EXECUTE FUNCTION tltrack.year_lock_kept();
    DO $$ DECLARE granted record; BEGIN
        FOR granted IN SELECT role FROM tltrack.role_grant LOOP
            BEGIN
                EXECUTE format('REVOKE UPDATE ON tltrack.year_lock FROM %I', granted.role);
                EXECUTE format('GRANT EXECUTE ON FUNCTION tltrack.lock_year(integer) TO %I',
                    granted.role);
            EXCEPTION WHEN undefined_object THEN NULL;  -- a role dropped since its grant
            END;
        END LOOP;
    END $$;
    """,
    # 6: who sent each figure, from where, and why an unusual one is right (DESIGN §9-§10),
    # as provenance_columns() wrote it (a test holds the two together).
    PROVENANCE_COLUMNS_6,
]
SCHEMA_VERSION = len(MIGRATIONS)
