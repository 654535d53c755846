CREATE TABLE `semi;colon` (`it's` INT, `say ``hi``` TEXT);
SELECT `semi;colon`.`it's` FROM `semi;colon`;
SELECT `--`, `#`, `/*` FROM `$$`;
