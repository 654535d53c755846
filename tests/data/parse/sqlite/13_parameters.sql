SELECT $name, :name, @name, ?1, ?;
SELECT $$;
SELECT 'after';
