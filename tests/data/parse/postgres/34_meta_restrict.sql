\restrict abc123
SET client_encoding = 'UTF8';
SELECT 1;
\unrestrict abc123
