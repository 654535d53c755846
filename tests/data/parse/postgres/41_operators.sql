SELECT 1::int, a->>'k', b #- '{a}', c @> '{}', d <-> e;
SELECT 5 - -3, 10/2, 2*3, x-->y;
SELECT array[1,2][1], '{a;b}'::text[];
SELECT :'psql_var', :name;
