VACUUM;
vacuum main;
PRAGMA foreign_keys = ON;
SELECT 'VACUUM';
