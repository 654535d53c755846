SELECT E'it\'s; escaped';
SELECT e'back\\';
SELECT E'\\\'';
SELECT 'plain\';
SELECT E'two\nlines', e'tab\t;';
SELECT somee'x';
SELECT E'unterminated? no: \' then '';' as x;
