CREATE TABLE [semi;colon] ([it's] INT, [a"b] TEXT);
SELECT [semi;colon].[it's] FROM [semi;colon];
SELECT [--], [/*] FROM [$$];
