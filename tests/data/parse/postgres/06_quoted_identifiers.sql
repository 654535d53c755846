CREATE TABLE "semi;colon" ("it's" int, "say ""hi""" text);
SELECT "semi;colon"."it's" FROM "semi;colon";
CREATE TABLE """t""" (x int);
SELECT "--", "/*" FROM "$$";
