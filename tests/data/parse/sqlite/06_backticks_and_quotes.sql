CREATE TABLE `semi;colon` (`it's` INT, "say ""hi""" TEXT);
SELECT `a``b`, "c;d" FROM `semi;colon`;
