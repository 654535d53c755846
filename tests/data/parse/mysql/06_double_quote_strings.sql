select "Hello 'quotes;" from dual;
select "multi
line; string" from dual;
select 'single "with double;"' from dual;
