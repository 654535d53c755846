/*!50003 SET @x = 1*/;
/*!SET @y = 2*/;
/*M!999999\- enable the sandbox mode */
SELECT 1;
