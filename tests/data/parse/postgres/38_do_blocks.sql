DO $$
BEGIN
  RAISE NOTICE 'hello; world';
END
$$;
DO '
BEGIN
  RAISE NOTICE ''hello'';
END';
DO LANGUAGE plpgsql $$ BEGIN NULL; END $$;
