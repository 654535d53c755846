SELECT U&'d\0061t\+000061; ok';
SELECT U&"d\0061t\+000061" FROM t;
SELECT U&'d!0061t!+000061' UESCAPE '!';
SELECT N'national; string', B'1010', X'1F';
SELECT 'Ünïcödé; 😀', "Ĳdentifier;" FROM t;
