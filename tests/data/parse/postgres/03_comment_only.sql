-- nothing to run here
/* a block
   comment */
-- and another ; with a semicolon

