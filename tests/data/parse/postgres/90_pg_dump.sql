--
-- PostgreSQL database dump
--

\restrict N9SX1vY0ng3qFV0bFtWljPW9QQJHyk3bfoh0oISer4HVxaqOAn62DNv9jGMRHm9

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: app; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO postgres;

--
-- Name: email; Type: DOMAIN; Schema: app; Owner: postgres
--

CREATE DOMAIN app.email AS text
	CONSTRAINT email_check CHECK ((VALUE ~ '^[^@;]+@[^@]+$'::text));


ALTER DOMAIN app.email OWNER TO postgres;

--
-- Name: money_pair; Type: TYPE; Schema: app; Owner: postgres
--

CREATE TYPE app.money_pair AS (
	amount numeric(12,2),
	currency character(3)
);


ALTER TYPE app.money_pair OWNER TO postgres;

--
-- Name: order_status; Type: TYPE; Schema: app; Owner: postgres
--

CREATE TYPE app.order_status AS ENUM (
    'new',
    'paid',
    'shipped',
    'it''s; odd'
);


ALTER TYPE app.order_status OWNER TO postgres;

--
-- Name: add(integer, integer); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.add(integer, integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $_$select $1 + $2$_$;


ALTER FUNCTION app.add(integer, integer) OWNER TO postgres;

--
-- Name: audit(); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.audit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
  payload jsonb;
BEGIN
  IF TG_OP = 'DELETE' THEN payload := to_jsonb(OLD); ELSE payload := to_jsonb(NEW); END IF;
  INSERT INTO audit_log (table_name, op, row_data) VALUES (TG_TABLE_NAME, TG_OP, payload);
  RETURN NULL;
END $$;


ALTER FUNCTION app.audit() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: orders; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.orders (
    id bigint NOT NULL,
    customer_id bigint NOT NULL,
    status app.order_status DEFAULT 'new'::app.order_status NOT NULL,
    total app.money_pair,
    note text,
    updated_at timestamp with time zone
);


ALTER TABLE app.orders OWNER TO postgres;

--
-- Name: order_count(bigint); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.order_count(cid bigint) RETURNS bigint
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT count(*) AS count
    FROM app.orders
   WHERE (orders.customer_id = order_count.cid);
END;


ALTER FUNCTION app.order_count(cid bigint) OWNER TO postgres;

--
-- Name: audit_log; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.audit_log (
    id integer NOT NULL,
    table_name text,
    op text,
    at timestamp with time zone DEFAULT now(),
    row_data jsonb
);


ALTER TABLE app.audit_log OWNER TO postgres;

--
-- Name: ship(bigint); Type: PROCEDURE; Schema: app; Owner: postgres
--

CREATE PROCEDURE app.ship(IN oid bigint)
    LANGUAGE sql
    BEGIN ATOMIC
 UPDATE app.orders SET status = 'shipped'::app.order_status
   WHERE (orders.id = ship.oid);
 INSERT INTO app.audit_log (table_name, op)
   VALUES ('orders'::text, 'ship'::text);
END;


ALTER PROCEDURE app.ship(IN oid bigint) OWNER TO postgres;

--
-- Name: status_label(app.order_status); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.status_label(s app.order_status) RETURNS text
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT
         CASE s
             WHEN 'new'::app.order_status THEN 'New; unpaid'::text
             WHEN 'paid'::app.order_status THEN 'Paid'::text
             ELSE 'Other'::text
         END AS "case";
END;


ALTER FUNCTION app.status_label(s app.order_status) OWNER TO postgres;

--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: app; Owner: postgres
--

CREATE FUNCTION app.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
BEGIN
  -- a comment with a ; and a 'quote'
  NEW.updated_at := now();
  RAISE NOTICE 'touched %; $$ inside', NEW.id;
  RETURN NEW;
END;
$_$;


ALTER FUNCTION app.touch_updated_at() OWNER TO postgres;

--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: app; Owner: postgres
--

CREATE SEQUENCE app.audit_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app.audit_log_id_seq OWNER TO postgres;

--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: app; Owner: postgres
--

ALTER SEQUENCE app.audit_log_id_seq OWNED BY app.audit_log.id;


--
-- Name: customers; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.customers (
    id bigint NOT NULL,
    email app.email NOT NULL,
    name text DEFAULT 'anonymous; really'::text NOT NULL,
    tags text[] DEFAULT '{}'::text[],
    profile jsonb DEFAULT '{"a;b": "c''d"}'::jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE app.customers OWNER TO postgres;

--
-- Name: TABLE customers; Type: COMMENT; Schema: app; Owner: postgres
--

COMMENT ON TABLE app.customers IS 'People who buy; they''re important';


--
-- Name: COLUMN customers.email; Type: COMMENT; Schema: app; Owner: postgres
--

COMMENT ON COLUMN app.customers.email IS 'Contact address
not validated -- really';


--
-- Name: customer_orders; Type: VIEW; Schema: app; Owner: postgres
--

CREATE VIEW app.customer_orders AS
 SELECT c.id,
    c.name,
    count(o.id) AS orders,
    string_agg(o.note, '; '::text) AS notes
   FROM (app.customers c
     LEFT JOIN app.orders o ON ((o.customer_id = c.id)))
  GROUP BY c.id, c.name;


ALTER TABLE app.customer_orders OWNER TO postgres;

--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: app; Owner: postgres
--

CREATE SEQUENCE app.customers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app.customers_id_seq OWNER TO postgres;

--
-- Name: customers_id_seq; Type: SEQUENCE OWNED BY; Schema: app; Owner: postgres
--

ALTER SEQUENCE app.customers_id_seq OWNED BY app.customers.id;


--
-- Name: order_stats; Type: MATERIALIZED VIEW; Schema: app; Owner: postgres
--

CREATE MATERIALIZED VIEW app.order_stats AS
 SELECT orders.status,
    count(*) AS n
   FROM app.orders
  GROUP BY orders.status
  WITH NO DATA;


ALTER TABLE app.order_stats OWNER TO postgres;

--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: app; Owner: postgres
--

CREATE SEQUENCE app.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app.orders_id_seq OWNER TO postgres;

--
-- Name: orders_id_seq; Type: SEQUENCE OWNED BY; Schema: app; Owner: postgres
--

ALTER SEQUENCE app.orders_id_seq OWNED BY app.orders.id;


--
-- Name: audit_log id; Type: DEFAULT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.audit_log ALTER COLUMN id SET DEFAULT nextval('app.audit_log_id_seq'::regclass);


--
-- Name: customers id; Type: DEFAULT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.customers ALTER COLUMN id SET DEFAULT nextval('app.customers_id_seq'::regclass);


--
-- Name: orders id; Type: DEFAULT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders ALTER COLUMN id SET DEFAULT nextval('app.orders_id_seq'::regclass);


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: app; Owner: postgres
--

COPY app.audit_log (id, table_name, op, at, row_data) FROM stdin;
1	customers	INSERT	2026-11-23 10:50:37.841422+00	{"id": 1, "name": "Ann O'Neil", "tags": ["vip", "semi;colon"], "email": "ann@example.com", "profile": {"note": "tab\\there"}, "created_at": "2026-11-23T10:50:37.841422+00:00"}
2	customers	INSERT	2026-11-23 10:50:37.841422+00	{"id": 2, "name": "Bob\\twith tab", "tags": [], "email": "bob@example.com", "profile": {}, "created_at": "2026-11-23T10:50:37.841422+00:00"}
3	customers	INSERT	2026-11-23 10:50:37.841422+00	{"id": 3, "name": "Line one\\nline two; \\\\. not an end", "tags": [], "email": "cyd@example.com", "profile": {}, "created_at": "2026-11-23T10:50:37.841422+00:00"}
4	customers	INSERT	2026-11-23 10:50:37.841422+00	{"id": 4, "name": "back\\\\slash and -- dashes /* not a comment */", "tags": [], "email": "dee@example.com", "profile": null, "created_at": "2026-11-23T10:50:37.841422+00:00"}
5	customers	INSERT	2026-11-23 10:50:37.841422+00	{"id": 5, "name": "Ünïcödé 😀 $$ dollars $tag$", "tags": [], "email": "eve@example.com", "profile": {}, "created_at": "2026-11-23T10:50:37.841422+00:00"}
\.


--
-- Data for Name: customers; Type: TABLE DATA; Schema: app; Owner: postgres
--

COPY app.customers (id, email, name, tags, profile, created_at) FROM stdin;
1	ann@example.com	Ann O'Neil	{vip,semi;colon}	{"note": "tab\\there"}	2026-11-23 10:50:37.841422+00
2	bob@example.com	Bob\twith tab	{}	{}	2026-11-23 10:50:37.841422+00
3	cyd@example.com	Line one\nline two; \\. not an end	{}	{}	2026-11-23 10:50:37.841422+00
4	dee@example.com	back\\slash and -- dashes /* not a comment */	{}	null	2026-11-23 10:50:37.841422+00
5	eve@example.com	Ünïcödé 😀 $$ dollars $tag$	{}	{}	2026-11-23 10:50:37.841422+00
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: app; Owner: postgres
--

COPY app.orders (id, customer_id, status, total, note, updated_at) FROM stdin;
1	1	paid	(12.50,EUR)	first; order	\N
2	1	new	(3.00,USD)	\N	\N
3	3	it's; odd	\N	multi\nline	\N
\.


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: app; Owner: postgres
--

SELECT pg_catalog.setval('app.audit_log_id_seq', 5, true);


--
-- Name: customers_id_seq; Type: SEQUENCE SET; Schema: app; Owner: postgres
--

SELECT pg_catalog.setval('app.customers_id_seq', 5, true);


--
-- Name: orders_id_seq; Type: SEQUENCE SET; Schema: app; Owner: postgres
--

SELECT pg_catalog.setval('app.orders_id_seq', 3, true);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: customers customers_email_key; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.customers
    ADD CONSTRAINT customers_email_key UNIQUE (email);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: orders_customer_idx; Type: INDEX; Schema: app; Owner: postgres
--

CREATE INDEX orders_customer_idx ON app.orders USING btree (customer_id) WHERE (status <> 'shipped'::app.order_status);


--
-- Name: audit_log no_delete_audit; Type: RULE; Schema: app; Owner: postgres
--

CREATE RULE no_delete_audit AS
    ON DELETE TO app.audit_log DO INSTEAD NOTHING;


--
-- Name: customers customers_audit; Type: TRIGGER; Schema: app; Owner: postgres
--

CREATE TRIGGER customers_audit AFTER INSERT OR DELETE OR UPDATE ON app.customers FOR EACH ROW EXECUTE FUNCTION app.audit();


--
-- Name: orders orders_touch; Type: TRIGGER; Schema: app; Owner: postgres
--

CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES app.customers(id) ON DELETE CASCADE;


--
-- Name: orders; Type: ROW SECURITY; Schema: app; Owner: postgres
--

ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;

--
-- Name: orders own_orders; Type: POLICY; Schema: app; Owner: postgres
--

CREATE POLICY own_orders ON app.orders USING ((customer_id = (current_setting('app.customer_id'::text, true))::bigint));


--
-- Name: order_stats; Type: MATERIALIZED VIEW DATA; Schema: app; Owner: postgres
--

REFRESH MATERIALIZED VIEW app.order_stats;


--
-- PostgreSQL database dump complete
--

\unrestrict N9SX1vY0ng3qFV0bFtWljPW9QQJHyk3bfoh0oISer4HVxaqOAn62DNv9jGMRHm9

