-- flyrun:transaction=flase
SELECT 1;
