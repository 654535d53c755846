CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN 'it''s; fine';  -- ; inside
END;
$$;
CREATE FUNCTION g() RETURNS text LANGUAGE plpgsql AS $body$
BEGIN
  RETURN $$nested; $$ || $x$ quotes ' and " $x$;
END
$body$;
SELECT $a$ $b$ ; $b$ $a$, $_$;$_$, $é$ unicode tag; $é$;
SELECT $$$$;
SELECT $q$ends with a dollar$$q$;
