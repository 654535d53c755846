SELECT 'a\'b;c';
SET standard_conforming_strings = on;
SELECT 'C:\';
RESET standard_conforming_strings;
SELECT 'back to the session default\';';
