SELECT $$ FROM t;
create procedure tv_$copy() select 1;
SELECT '$$', `a$b`;
